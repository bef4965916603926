using System.Text;
using SpeedyZero.Messaging.Nats;
using SpeedyZero.Testing;

namespace SpeedyZero.Messaging.Tests.Nats;

/// <summary>Reconnect after a server restart: resubscribe, deliver what was buffered, bound the buffer.</summary>
public sealed class NatsReconnectTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static NatsOptions Fast(string url) => NatsOptions.Default with
    {
        Url = url,
        ReconnectWaitMin = TimeSpan.FromMilliseconds(20),
        ReconnectWaitMax = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Reconnects_after_restart_resubscribes_and_delivers_buffered_publishes()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(Fast(server.Url));
        await using var subscription = await connection.SubscribeAsync("after.restart");
        await connection.PingAsync();

        await server.StopAsync();
        await WaitUntil(() => connection.State != NatsConnectionState.Connected);
        for (var i = 0; i < 20; i++)
        {
            await connection.PublishAsync("after.restart", Encoding.UTF8.GetBytes($"m{i}"));
        }

        await server.RestartAsync();
        await connection.WaitConnectedAsync().WaitAsync(Wait);
        var received = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var message = await subscription.NextAsync(Wait);
            received.Add(Encoding.UTF8.GetString(message.Data.Span));
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), received);
        Assert.Equal(1, connection.Counters.Snapshot().Reconnects);

        // Request/reply still works: the shared inbox was resubscribed too.
        await using var echo = await connection.SubscribeAsync("echo");
        await connection.PingAsync();
        var serving = Task.Run(async () => await (await echo.NextAsync(Wait)).ReplyAsync("pong"u8.ToArray()));
        var reply = await connection.RequestAsync("echo", "ping"u8.ToArray());
        Assert.Equal("pong", Encoding.UTF8.GetString(reply.Data.Span));
        await serving;
    }

    [Fact]
    public async Task Reconnect_buffer_overflow_is_an_error_and_counted()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(Fast(server.Url) with { ReconnectBufferBytes = 10_000 });
        await server.StopAsync();
        await WaitUntil(() => connection.State != NatsConnectionState.Connected);

        await connection.PublishAsync("x", new byte[6_000]);
        var error = await Assert.ThrowsAsync<NatsReconnectBufferFullException>(async () => await connection.PublishAsync("x", new byte[6_000]));
        Assert.Contains("reconnect buffer", error.Message);
        Assert.Equal(1, connection.Counters.Snapshot().ReconnectBufferOverflows);
    }

    [Fact]
    public async Task Gives_up_after_max_reconnect_attempts_and_closes()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(Fast(server.Url) with { MaxReconnectAttempts = 2 });
        await using var subscription = await connection.SubscribeAsync("s");
        await server.StopAsync();
        await WaitUntil(() => connection.State == NatsConnectionState.Closed);
        await Assert.ThrowsAsync<NatsConnectionClosedException>(async () => await connection.PublishAsync("s", "x"u8.ToArray()));
        await Assert.ThrowsAsync<NatsConnectionClosedException>(async () => await subscription.NextAsync(Wait));
    }

    [Fact]
    public async Task Dropped_connection_through_proxy_recovers()
    {
        await using var server = await NatsServer.StartAsync();
        await using var proxy = NatsFaultProxy.Start(server.Port);
        await using var connection = await NatsConnection.ConnectAsync(Fast(proxy.Url));
        await using var subscription = await connection.SubscribeAsync("p");
        await connection.PingAsync();

        proxy.DropAll();
        await WaitUntil(() => connection.Counters.Snapshot().Reconnects == 1);
        await connection.PublishAsync("p", "after drop"u8.ToArray());
        var message = await subscription.NextAsync(Wait);
        Assert.Equal("after drop", Encoding.UTF8.GetString(message.Data.Span));
        Assert.Equal(2, proxy.Accepted);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(10);
        }
    }
}
