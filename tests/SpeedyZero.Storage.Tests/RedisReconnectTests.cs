using System.Diagnostics;
using SpeedyZero.Storage.Redis;
using SpeedyZero.Testing;

namespace SpeedyZero.Storage.Tests;

/// <summary>Server restarts: in-flight commands fail clearly, later ones reconnect; AOF keeps the data.</summary>
public sealed class RedisReconnectTests
{
    [Fact]
    public async Task Commands_reconnect_after_a_server_restart_and_in_flight_ones_fail_clearly()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await RedisConnection.ConnectAsync(
            RedisOptions.Default with { Port = server.Port, Database = 2, ReconnectTimeout = TimeSpan.FromSeconds(15) });
        await redis.SetAsync("re:k", "before");

        // A blocking command is in flight when the server dies.
        var blocked = redis.ExecuteAsync(["BLPOP", "re:never", 30]).AsTask();
        await Task.Delay(100);
        await server.KillAsync();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => blocked);
        Assert.Contains("in flight", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{server.Port}", error.State, StringComparison.Ordinal);
        Assert.True(redis.Statistics.DroppedInFlight >= 1);

        await server.RestartAsync();
        // Without AOF the data is gone, but the connection comes back on its own, on database 2.
        Assert.True(await redis.SetAsync("re:k", "after"));
        Assert.Equal("after", await redis.GetStringAsync("re:k"));
        Assert.Equal(2, redis.Statistics.Connects);
        await using var probe = await RedisConnection.ConnectAsync(RedisOptions.Default with { Port = server.Port, Database = 2 });
        Assert.Equal("after", await probe.GetStringAsync("re:k"));
    }

    [Fact]
    public async Task A_command_fails_with_connection_state_when_the_server_stays_down()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await RedisConnection.ConnectAsync(
            RedisOptions.Default with { Port = server.Port, ReconnectTimeout = TimeSpan.FromMilliseconds(600) });
        await server.StopAsync();
        // Wait until the client has seen the hang-up (not a fixed 100 ms: on a loaded machine the reader may
        // not have run yet, and the command would then fail as "in flight" on the dead socket instead).
        var deadline = Stopwatch.StartNew();
        while (redis.IsConnected && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10);
        }

        Assert.False(redis.IsConnected, "the client never noticed that the server stopped");
        var error = await Assert.ThrowsAsync<RedisConnectionException>(async () => await redis.GetAsync("re:x"));
        Assert.Contains("could not connect", error.Message, StringComparison.Ordinal);
        Assert.Contains("attempts=", error.State, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_with_append_only_file_keeps_data()
    {
        await using var server = await RedisServer.StartAsync(new RedisServerSettings { AppendOnly = true });
        await using var redis = await RedisConnection.ConnectAsync(RedisOptions.Default with { Port = server.Port });
        var batch = new RedisBatch();
        for (var i = 0; i < 1000; i++)
        {
            batch.Set($"aof:{i}", new byte[] { (byte)i, (byte)(i >> 8), 0, 255 });
        }

        await redis.ExecuteAsync(batch);
        await redis.ZAddAsync("aof:z", "seg-1", 0.25);
        await redis.HSetAsync("aof:h", "f", "v");

        await server.RestartAsync();

        Assert.Equal(new byte[] { 231, 3, 0, 255 }, (await redis.GetAsync("aof:999"))!.Value.ToArray());
        Assert.Equal(0.25, await redis.ZScoreAsync("aof:z", "seg-1"));
        Assert.Equal("v", System.Text.Encoding.UTF8.GetString((await redis.HGetAsync("aof:h", "f"))!.Value.Span));
        Assert.Equal(1000, (await redis.ExistsAsync(Enumerable.Range(0, 1000).Select(i => $"aof:{i}").ToArray())));
    }

    [Fact]
    public async Task Connecting_to_nothing_fails_after_the_reconnect_budget()
    {
        var options = RedisOptions.Default with { Port = 1, ReconnectTimeout = TimeSpan.FromMilliseconds(300) };
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(options));
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }
}
