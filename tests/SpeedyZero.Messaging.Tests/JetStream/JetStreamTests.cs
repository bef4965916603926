using System.Text;
using SpeedyZero.Messaging.JetStream;
using SpeedyZero.Messaging.Nats;
using SpeedyZero.Testing;

namespace SpeedyZero.Messaging.Tests.JetStream;

/// <summary>JetStream against a real nats-server -js with file storage.</summary>
public sealed class JetStreamTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    private static NatsOptions Options(string url) => NatsOptions.Default with
    {
        Url = url,
        ReconnectWaitMin = TimeSpan.FromMilliseconds(20),
        ReconnectWaitMax = TimeSpan.FromMilliseconds(200),
    };

    private static StreamConfig Segments => new() { Name = "SEGMENTS", Subjects = ["seg.>"], Storage = StorageType.File };

    private static ConsumerConfig Replay => new() { DurableName = "replay", AckWait = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Stream_create_get_update_delete_and_typed_api_errors()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(Options(server.Url));
        var js = new JetStreamContext(connection);

        var created = await js.CreateStreamAsync(Segments with { MaxMsgs = 1000, MaxBytes = 1 << 20, DuplicateWindow = TimeSpan.FromSeconds(30) });
        Assert.Equal("SEGMENTS", created.Config.Name);
        Assert.Equal(StorageType.File, created.Config.Storage);
        Assert.Equal(TimeSpan.FromSeconds(30), created.Config.DuplicateWindow);

        var updated = await js.UpdateStreamAsync(created.Config with { MaxMsgs = 2000 });
        Assert.Equal(2000, updated.Config.MaxMsgs);
        Assert.Equal(2000, (await js.GetStreamAsync("SEGMENTS")).Config.MaxMsgs);
        var again = await js.CreateOrUpdateStreamAsync(updated.Config with { MaxMsgs = 3000 });
        Assert.Equal(3000, again.Config.MaxMsgs);

        await js.DeleteStreamAsync("SEGMENTS");
        var missing = await Assert.ThrowsAsync<JetStreamApiException>(() => js.GetStreamAsync("SEGMENTS"));
        Assert.Equal(404, missing.Code);
        Assert.Equal(10059, missing.ErrorCode);
        Assert.Contains("stream not found", missing.Message);

        var noStream = await Assert.ThrowsAsync<JetStreamApiException>(() => js.PublishAsync("nowhere", "x"u8.ToArray()));
        Assert.Equal(503, noStream.Code);
    }

    [Fact]
    public async Task Publish_with_msg_id_suppresses_duplicates()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(Options(server.Url));
        var js = new JetStreamContext(connection);
        await js.CreateStreamAsync(Segments);

        var first = await js.PublishAsync("seg.a", "one"u8.ToArray(), msgId: "actor1-run7-seg42");
        var repeat = await js.PublishAsync("seg.a", "one"u8.ToArray(), msgId: "actor1-run7-seg42");
        var other = await js.PublishAsync("seg.a", "two"u8.ToArray(), msgId: "actor1-run7-seg43");

        Assert.False(first.Duplicate);
        Assert.True(repeat.Duplicate);
        Assert.Equal(first.Seq, repeat.Seq);
        Assert.Equal(2, other.Seq);
        Assert.Equal(2, (await js.GetStreamAsync("SEGMENTS")).State.Messages);
    }

    [Fact]
    public async Task Work_queue_and_per_subject_limits()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(Options(server.Url));
        var js = new JetStreamContext(connection);
        await js.CreateStreamAsync(new StreamConfig
        {
            Name = "BATCHES", Subjects = ["batch"], Retention = RetentionPolicy.WorkQueue, MaxMsgs = 4, Discard = DiscardPolicy.New,
        });
        await js.CreateStreamAsync(new StreamConfig { Name = "WEIGHTS", Subjects = ["weights.>"], MaxMsgsPerSubject = 1 });

        for (var i = 0; i < 4; i++)
        {
            await js.PublishAsync("batch", new[] { (byte)i });
        }

        var full = await Assert.ThrowsAsync<JetStreamApiException>(() => js.PublishAsync("batch", new byte[] { 9 }));
        Assert.Contains("maximum messages", full.Description);

        await js.CreateConsumerAsync("BATCHES", new ConsumerConfig { DurableName = "learner" });
        var batch = await js.FetchAsync("BATCHES", "learner", new FetchOptions { Batch = 4, Expires = Short });
        Assert.Equal([0, 1, 2, 3], batch.Select(m => (int)m.Data.Span[0]));
        foreach (var message in batch)
        {
            await message.AckSyncAsync();
        }

        Assert.Equal(0, (await js.GetStreamAsync("BATCHES")).State.Messages);

        for (var v = 1; v <= 3; v++)
        {
            await js.PublishAsync("weights.latest", BitConverter.GetBytes(v));
        }

        var weights = await js.GetStreamAsync("WEIGHTS");
        Assert.Equal(1, weights.State.Messages);
        Assert.Equal(3, weights.State.LastSeq);
    }

    [Fact]
    public async Task Unacked_messages_are_redelivered_after_ack_wait_and_nak_term_wpi_behave()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(Options(server.Url));
        var js = new JetStreamContext(connection);
        await js.CreateStreamAsync(Segments);
        var consumer = await js.CreateConsumerAsync("SEGMENTS", Replay with { AckWait = TimeSpan.FromMilliseconds(500), MaxDeliver = 5 });
        Assert.Equal(AckPolicy.Explicit, consumer.Config.AckPolicy);
        Assert.Equal(TimeSpan.FromMilliseconds(500), consumer.Config.AckWait);
        for (var i = 1; i <= 3; i++)
        {
            await js.PublishAsync($"seg.{i}", new[] { (byte)i });
        }

        var first = await js.FetchAsync("SEGMENTS", "replay", new FetchOptions { Batch = 3, Expires = Short });
        Assert.Equal(3, first.Count);
        Assert.All(first, m => Assert.Equal(1, m.Delivered));
        await first[0].NakAsync(TimeSpan.FromMilliseconds(100));   // seq 1: again soon
        await first[1].TermAsync();                                  // seq 2: never again
        // seq 3: no ack at all -> redelivered after ack wait

        var nothingYet = await js.FetchAsync("SEGMENTS", "replay", new FetchOptions { Batch = 3, NoWait = true });
        Assert.Empty(nothingYet);
        await Task.Delay(700);
        var again = await js.FetchAsync("SEGMENTS", "replay", new FetchOptions { Batch = 3, Expires = Short });
        Assert.Equal([1L, 3L], again.Select(m => m.StreamSequence).Order());
        Assert.All(again, m => Assert.Equal(2, m.Delivered));
        Assert.All(again, m => Assert.Equal("SEGMENTS", m.Stream));

        foreach (var message in again)
        {
            await message.AckSyncAsync();
        }

        // In-progress keeps a slow message from being redelivered.
        await js.CreateConsumerAsync("SEGMENTS", Replay with { DurableName = "slow", AckWait = TimeSpan.FromSeconds(1), FilterSubject = "seg.slow" });
        await js.PublishAsync("seg.slow", new byte[] { 4 });
        var slow = Assert.Single(await js.FetchAsync("SEGMENTS", "slow", new FetchOptions { Batch = 1, Expires = Short }));
        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(250);
            await slow.InProgressAsync();
        }

        var early = await js.FetchAsync("SEGMENTS", "slow", new FetchOptions { Batch = 1, NoWait = true });
        Assert.True(early.Count == 0, $"redelivered despite +WPI: seq {early.FirstOrDefault()?.StreamSequence}");
        await slow.AckSyncAsync();
        var info = await js.GetConsumerAsync("SEGMENTS", "slow");
        Assert.Equal(0, info.NumAckPending);
        Assert.Equal(0, info.NumPending);
        Assert.Equal(0, (await js.GetConsumerAsync("SEGMENTS", "replay")).NumAckPending);
    }

    [Fact]
    public async Task Max_ack_pending_limits_a_fetch()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(Options(server.Url));
        var js = new JetStreamContext(connection);
        await js.CreateStreamAsync(Segments);
        await js.CreateConsumerAsync("SEGMENTS", Replay with { MaxAckPending = 5 });
        for (var i = 0; i < 10; i++)
        {
            await js.PublishAsync("seg.x", new[] { (byte)i });
        }

        var batch = await js.FetchAsync("SEGMENTS", "replay", new FetchOptions { Batch = 10, Expires = Short });
        Assert.Equal(5, batch.Count);
    }

    [Fact]
    public async Task File_stream_survives_restart_and_consumer_resumes_without_loss_or_duplicates()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(Options(server.Url));
        var js = new JetStreamContext(connection);
        await js.CreateStreamAsync(Segments);
        await js.CreateConsumerAsync("SEGMENTS", Replay);
        for (var i = 0; i < 100; i++)
        {
            await js.PublishAsync("seg.s", BitConverter.GetBytes(i), msgId: $"m{i}");
        }

        var processed = new List<int>();
        while (processed.Count < 40)
        {
            foreach (var message in await js.FetchAsync("SEGMENTS", "replay", new FetchOptions { Batch = 10, Expires = Short }))
            {
                processed.Add(BitConverter.ToInt32(message.Data.Span));
                await message.AckSyncAsync();
            }
        }

        await server.RestartAsync();
        await connection.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Retry(() => js.GetStreamAsync("SEGMENTS"));
        Assert.Equal(100, (await js.GetStreamAsync("SEGMENTS")).State.Messages);

        for (var round = 0; round < 50 && processed.Count < 100; round++)
        {
            foreach (var message in await js.FetchAsync("SEGMENTS", "replay", new FetchOptions { Batch = 25, Expires = Short }))
            {
                processed.Add(BitConverter.ToInt32(message.Data.Span));
                await message.AckSyncAsync();
            }
        }

        Assert.Equal(Enumerable.Range(0, 100), processed);
        Assert.Empty(await js.FetchAsync("SEGMENTS", "replay", new FetchOptions { Batch = 5, NoWait = true }));
        Assert.Equal(1, connection.Counters.Snapshot().Reconnects);
    }

    [Fact]
    public async Task Consume_refills_credit_and_resumes_after_a_server_restart()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(Options(server.Url));
        var js = new JetStreamContext(connection);
        await js.CreateStreamAsync(Segments);
        await js.CreateConsumerAsync("SEGMENTS", Replay);
        for (var i = 0; i < 50; i++)
        {
            await js.PublishAsync("seg.c", BitConverter.GetBytes(i));
        }

        await using var consumer = await js.ConsumeAsync("SEGMENTS", "replay", new ConsumeOptions
        {
            MaxMessages = 10, Expires = TimeSpan.FromSeconds(2), IdleHeartbeat = TimeSpan.FromMilliseconds(200),
        });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<int>();
        var restarted = false;
        await foreach (var message in consumer.ReadAllAsync(stop.Token))
        {
            received.Add(BitConverter.ToInt32(message.Data.Span));
            await message.AckSyncAsync();
            if (received.Count == 50 && !restarted)
            {
                restarted = true;
                await connection.PingAsync(); // the refill pull reaches the old server and dies with it
                await server.RestartAsync();
                await connection.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
                await Task.Delay(600);
                await Retry(() => js.PublishAsync("seg.c", BitConverter.GetBytes(50)));
            }

            if (received.Count == 51)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(0, 51), received);
        Assert.True(consumer.Pulls >= 5, $"credit of 10 for 50 messages needs several pulls, saw {consumer.Pulls}");
    }

    [Fact]
    public async Task Consume_watchdog_pulls_again_when_heartbeats_stop()
    {
        var wait = TimeSpan.FromSeconds(5);
        await using var fake = NatsFakeServer.Start();
        var accepting = fake.AcceptHandshakeAsync(wait);
        await using var connection = await NatsConnection.ConnectAsync(Options(fake.Url));
        var server = await accepting;
        await server.ReadLineAsync(wait); // the shared inbox SUB
        var js = new JetStreamContext(connection);
        await using var consumer = await js.ConsumeAsync("S", "c", new ConsumeOptions
        {
            MaxMessages = 10, Expires = TimeSpan.FromSeconds(30), IdleHeartbeat = TimeSpan.FromMilliseconds(100),
        });
        var sub = (await server.ReadLineAsync(wait)).Split(' ');
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var enumerator = consumer.ReadAllAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = enumerator.MoveNextAsync().AsTask();

        // A silent server: no messages, no heartbeats. The consumer must pull again.
        for (var pull = 0; pull < 2; pull++)
        {
            var line = (await server.ReadLineAsync(wait)).Split(' ');
            Assert.Equal("PUB", line[0]);
            Assert.Equal("$JS.API.CONSUMER.MSG.NEXT.S.c", line[1]);
            Assert.Equal(sub[1], line[2]);
            var body = Encoding.UTF8.GetString(await server.ReadBytesAsync(int.Parse(line[3]) + 2, wait));
            Assert.Contains("\"batch\":10", body);
            Assert.Contains("\"idle_heartbeat\":100000000", body);
        }

        await server.SendAsync(Encoding.ASCII.GetBytes($"MSG seg.x {sub[2]} $JS.ACK.S.c.1.7.1.1700000000000000000.0 2\r\nhi\r\n"));
        Assert.True(await next.WaitAsync(wait));
        Assert.Equal(7, enumerator.Current.StreamSequence);
        Assert.True(consumer.MissedHeartbeats >= 1);
    }

    [Fact]
    public async Task Consume_receives_idle_heartbeats_while_empty()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(Options(server.Url));
        var js = new JetStreamContext(connection);
        await js.CreateStreamAsync(Segments);
        await js.CreateConsumerAsync("SEGMENTS", Replay);
        await using var consumer = await js.ConsumeAsync("SEGMENTS", "replay", new ConsumeOptions
        {
            MaxMessages = 4, Expires = TimeSpan.FromSeconds(5), IdleHeartbeat = TimeSpan.FromMilliseconds(100),
        });
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        try
        {
            await foreach (var unexpected in consumer.ReadAllAsync(stop.Token))
            {
                Assert.Fail($"no message was published, got {Encoding.UTF8.GetString(unexpected.Data.Span)}");
            }
        }
        catch (OperationCanceledException)
        {
            // The stop token ends the loop.
        }

        Assert.True(consumer.Heartbeats >= 3, $"expected heartbeats, saw {consumer.Heartbeats}");
        Assert.Equal(0, consumer.MissedHeartbeats);
    }

    private static async Task<T> Retry<T>(Func<Task<T>> action)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (NatsException) when (attempt < 50)
            {
                // JetStream needs a moment after a restart to recover its streams.
                await Task.Delay(100);
            }
        }
    }
}
