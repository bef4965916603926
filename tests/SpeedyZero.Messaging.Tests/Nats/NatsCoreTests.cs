using System.Text;
using SpeedyZero.Messaging.Nats;
using SpeedyZero.Testing;

namespace SpeedyZero.Messaging.Tests.Nats;

/// <summary>Core protocol against a real nats-server: pub/sub, queue groups, headers, request/reply, limits.</summary>
public sealed class NatsCoreTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Connection_is_connected_as_soon_as_connect_returns()
    {
        await using var server = await NatsServer.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
            Assert.Equal(NatsConnectionState.Connected, connection.State);
        }
    }

    [Fact]
    public async Task Publish_reaches_subscriber_with_payload_intact()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        await using var subscription = await connection.SubscribeAsync("seg.>");
        await connection.PingAsync();

        await connection.PublishAsync("seg.actor1", "hello"u8.ToArray());
        var message = await subscription.NextAsync(Wait);

        Assert.Equal("seg.actor1", message.Subject);
        Assert.Equal("hello", Encoding.UTF8.GetString(message.Data.Span));
        Assert.Null(message.Headers);
        Assert.True(connection.ServerInfo.JetStream);
        var counters = connection.Counters.Snapshot();
        Assert.Equal(1, counters.MessagesIn);
        Assert.True(counters.MessagesOut >= 1);
    }

    [Fact]
    public async Task Headers_round_trip_with_repeated_keys()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        await using var subscription = await connection.SubscribeAsync("h");
        await connection.PingAsync();

        var headers = new NatsHeaders().Add("Trace", "a").Add("Trace", "b").Add("Version", "7");
        await connection.PublishAsync("h", new byte[] { 1, 2, 3 }, headers);
        var message = await subscription.NextAsync(Wait);

        Assert.NotNull(message.Headers);
        Assert.Equal(["a", "b"], message.Headers!.Entries.Where(e => e.Key == "Trace").Select(e => e.Value));
        Assert.Equal("7", message.Headers["version"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, message.Data.ToArray());
    }

    [Fact]
    public async Task Queue_group_delivers_each_message_to_one_member()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        await using var a = await connection.SubscribeAsync("work", "workers");
        await using var b = await connection.SubscribeAsync("work", "workers");
        await connection.PingAsync();

        const int count = 200;
        for (var i = 0; i < count; i++)
        {
            await connection.PublishAsync("work", BitConverter.GetBytes(i));
        }

        await connection.PingAsync();
        await Task.Delay(100);
        var seen = new List<int>();
        while (a.Messages.TryRead(out var m))
        {
            seen.Add(BitConverter.ToInt32(m.Data.Span));
        }

        var fromA = seen.Count;
        while (b.Messages.TryRead(out var m))
        {
            seen.Add(BitConverter.ToInt32(m.Data.Span));
        }

        Assert.Equal(Enumerable.Range(0, count), seen.Order());
        Assert.InRange(fromA, 1, count - 1);
    }

    [Fact]
    public async Task Request_reply_through_shared_inbox_and_no_responders()
    {
        await using var server = await NatsServer.StartAsync();
        await using var responder = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        await using var requester = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        await using var service = await responder.SubscribeAsync("echo");
        await responder.PingAsync();
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            await foreach (var request in service.ReadAllAsync(stop.Token))
            {
                await request.ReplyAsync(request.Data.ToArray().Reverse().ToArray());
            }
        });

        var replies = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            requester.RequestAsync("echo", new byte[] { (byte)i, 0 })));
        for (var i = 0; i < replies.Length; i++)
        {
            Assert.Equal(new byte[] { 0, (byte)i }, replies[i].Data.ToArray());
        }

        await Assert.ThrowsAsync<NatsNoRespondersException>(() => requester.RequestAsync("nobody.home", "x"u8.ToArray()));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => serving);
    }

    [Fact]
    public async Task Request_timeout_names_the_connection_state()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        await using var silent = await connection.SubscribeAsync("silent");
        await connection.PingAsync();

        var error = await Assert.ThrowsAsync<NatsTimeoutException>(() =>
            connection.RequestAsync("silent", "x"u8.ToArray(), timeout: TimeSpan.FromMilliseconds(200)));
        Assert.Contains("state=Connected", error.Message);
        Assert.Contains("silent", error.Message);
    }

    [Fact]
    public async Task Max_payload_is_enforced_before_sending()
    {
        await using var server = await NatsServer.StartAsync("max_payload: 65536\n");
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        Assert.Equal(65536, connection.ServerInfo.MaxPayload);

        var error = Assert.Throws<NatsMaxPayloadException>(() => { _ = connection.PublishAsync("big", new byte[65537]); });
        Assert.Equal(65537, error.Size);
        Assert.Contains("max_payload", error.Message);
        await connection.PublishAsync("fits", new byte[65536 - 100]);
        await connection.PingAsync();
        Assert.Equal(NatsConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task Slow_consumer_drops_are_counted_and_the_connection_keeps_going()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        await using var slow = await connection.SubscribeAsync("firehose", capacity: 10);
        await using var other = await connection.SubscribeAsync("other");
        await connection.PingAsync();

        for (var i = 0; i < 100; i++)
        {
            await connection.PublishAsync("firehose", BitConverter.GetBytes(i));
        }

        await connection.PublishAsync("other", "still flowing"u8.ToArray());
        var other1 = await other.NextAsync(Wait);
        Assert.Equal("still flowing", Encoding.UTF8.GetString(other1.Data.Span));
        Assert.Equal(90, slow.Dropped);
        Assert.Equal(90, connection.Counters.Snapshot().DroppedSlowConsumer);
        var kept = new List<int>();
        while (slow.Messages.TryRead(out var m))
        {
            kept.Add(BitConverter.ToInt32(m.Data.Span));
        }

        Assert.Equal(Enumerable.Range(0, 10), kept);
    }

    [Fact]
    public async Task Drop_oldest_policy_keeps_the_freshest_messages()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with
        {
            Url = server.Url,
            SlowConsumerPolicy = SlowConsumerPolicy.DropOldest,
        });
        await using var slow = await connection.SubscribeAsync("fresh", capacity: 5);
        await connection.PingAsync();
        for (var i = 0; i < 50; i++)
        {
            await connection.PublishAsync("fresh", BitConverter.GetBytes(i));
        }

        await connection.PingAsync();
        await Task.Delay(50);
        var kept = new List<int>();
        while (slow.Messages.TryRead(out var m))
        {
            kept.Add(BitConverter.ToInt32(m.Data.Span));
        }

        Assert.Equal(Enumerable.Range(45, 5), kept);
        Assert.Equal(45, slow.Dropped);
    }

    [Fact]
    public async Task Unsubscribe_stops_delivery()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        var subscription = await connection.SubscribeAsync("u");
        await subscription.UnsubscribeAsync();
        await connection.PublishAsync("u", "x"u8.ToArray());
        await connection.PingAsync();
        Assert.Equal(0, connection.Counters.Snapshot().MessagesIn);
        Assert.True(subscription.Messages.Completion.IsCompleted);
    }

    [Fact]
    public async Task Invalid_subject_is_rejected_locally()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        Assert.Throws<ArgumentException>(() => { _ = connection.PublishAsync("has space", "x"u8.ToArray()); });
        Assert.Throws<ArgumentException>(() => { _ = connection.PublishAsync("", "x"u8.ToArray()); });
    }
}
