using System.Diagnostics;
using System.Globalization;
using SpeedyZero.Storage.Redis;
using SpeedyZero.Testing;

namespace SpeedyZero.Storage.Tests;

/// <summary>AUTH in both forms, and clear errors for wrong or missing passwords.</summary>
public sealed class RedisAuthTests : IAsyncLifetime
{
    private RedisServer server = null!;

    public async Task InitializeAsync() => server = await RedisServer.StartAsync(new RedisServerSettings { Password = "s3cret pass" });

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Right_password_works_in_both_auth_forms()
    {
        await using var legacy = await RedisConnection.ConnectAsync(Options() with { Password = "s3cret pass" });
        Assert.True(await legacy.SetAsync("auth:k", "v"));
        await using var withUser = await RedisConnection.ConnectAsync(Options() with { User = "default", Password = "s3cret pass" });
        Assert.Equal("v", await withUser.GetStringAsync("auth:k"));
    }

    [Fact]
    public async Task Wrong_password_fails_fast_with_the_servers_reason()
    {
        await using var admin = await RedisConnection.ConnectAsync(Options() with { Password = "s3cret pass" });
        var connectionsBefore = await ConnectionsReceivedAsync(admin);
        var started = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisAuthenticationException>(
            () => RedisConnection.ConnectAsync(Options() with { Password = "wrong", ReconnectTimeout = TimeSpan.FromSeconds(60) }));
        Assert.Contains("AUTH refused", error.Message, StringComparison.Ordinal);
        Assert.Contains("WRONGPASS", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{server.Port}", error.State, StringComparison.Ordinal);
        // Not retried through the reconnect back-off: the server saw exactly one attempt, and the call did
        // not sit out the (60 s) reconnect budget. Counting attempts does not depend on the machine's speed.
        Assert.Equal(connectionsBefore + 1, await ConnectionsReceivedAsync(admin));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Missing_password_says_the_server_needs_one()
    {
        var error = await Assert.ThrowsAsync<RedisAuthenticationException>(() => RedisConnection.ConnectAsync(Options()));
        Assert.Contains("requires a password", error.Message, StringComparison.Ordinal);
        Assert.Contains("NOAUTH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_user_is_refused()
    {
        await Assert.ThrowsAsync<RedisAuthenticationException>(
            () => RedisConnection.ConnectAsync(Options() with { User = "nobody", Password = "s3cret pass" }));
    }

    private RedisOptions Options() => RedisOptions.Default with { Port = server.Port };

    private static async Task<long> ConnectionsReceivedAsync(RedisConnection admin)
    {
        var info = (await admin.ExecuteAsync(["INFO", "stats"])).AsString()!;
        var line = info.Split("\r\n").Single(l => l.StartsWith("total_connections_received:", StringComparison.Ordinal));
        return long.Parse(line[(line.IndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }
}
