using SpeedyZero.Storage.Redis;
using SpeedyZero.Testing;

namespace SpeedyZero.Storage.Tests;

/// <summary>One plain redis-server and one client shared by a test class; each test uses its own key prefix.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public RedisConnection Connection { get; private set; } = null!;

    public RedisOptions Options => RedisOptions.Default with { Port = Server.Port };

    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Connection = await RedisConnection.ConnectAsync(Options);
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Server.DisposeAsync();
    }
}
