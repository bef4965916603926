using System.Globalization;
using System.Text;
using System.Threading.Channels;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using SpeedyZero.Bench.Servers;
using SpeedyZero.LocalServers;
using StackExchange.Redis;

namespace SpeedyZero.Bench.Suites;

/// <summary>
/// The cluster's three data paths over the clients the services use (NATS.Net on one
/// <see cref="NatsConnection"/>, StackExchange.Redis on one <see cref="ConnectionMultiplexer"/>), against
/// a throw-away nats-server -js and redis-server, with payloads sized like the real run:
/// (a) segment: JetStream publish with Nats-Msg-Id → PubAck → pull consumer SETs it into Redis → ack;
/// (b) training batch: chunks under max_payload through a work-queue stream → pull consumer reassembles;
/// (c) weights: SET blob + core NATS announcement → a subscriber GETs the blob.
/// Each is reported beside baselines measured in the same run: a memory copy of the same bytes, the same
/// bytes once across a raw loopback TCP pair, and for Redis redis-benchmark against the same server.
/// </summary>
public sealed class TransportBench : IBenchSuite
{
    /// <summary>A CartPole segment is a few KiB.</summary>
    private const int SegmentBytes = 4 * 1024;

    /// <summary>A MinAtar training batch at batch 128 is 2-3 MiB.</summary>
    private const int BatchBytes = 5 * 512 * 1024;

    /// <summary>An engine weights blob is 1-4 MiB.</summary>
    private const int WeightsBytes = 2 * 1024 * 1024;

    /// <summary>Actors publishing at once in the throughput figure, each waiting for its PubAck.</summary>
    private const int Actors = 8;

    private const double Budget = 2.0;

    public string Name => "transport";

    public string Description =>
        "segments, chunked batches and weights over NATS JetStream + Redis (NATS.Net, StackExchange.Redis) vs memory copy, loopback TCP and redis-benchmark";

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        await using var natsServer = await NatsServer.StartAsync(cancellationToken: cancellationToken);
        await using var redisServer = await RedisServer.StartAsync(cancellationToken: cancellationToken);
        await using var nats = new NatsConnection(new NatsOpts { Url = natsServer.Url, Name = "sz-bench" });
        await nats.ConnectAsync();
        var maxPayload = nats.ServerInfo?.MaxPayload ?? throw new InvalidOperationException("nats-server sent no INFO");
        var js = new NatsJSContext(nats);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(
            new ConfigurationOptions { EndPoints = { { "127.0.0.1", redisServer.Port } }, AbortOnConnectFail = true });
        var db = redis.GetDatabase();

        report.Add("max_payload", maxPayload / 1024.0, "KiB", "nats-server default; a batch above max_payload less 1 KiB goes in chunks");
        await SegmentsAsync(report, js, db, redisServer.Port, cancellationToken);
        await BatchesAsync(report, js, maxPayload, cancellationToken);
        await WeightsAsync(report, nats, db, redisServer.Port, cancellationToken);
    }

    // (a) actor → SZ_SEGMENTS (work queue, file) → replay: SET, then ack.
    private static async Task SegmentsAsync(BenchReport report, NatsJSContext js, IDatabase db, int redisPort, CancellationToken cancellationToken)
    {
        const string stream = "BENCH_SEGMENTS";
        await js.CreateStreamAsync(
            new StreamConfig(stream, ["bench.segments"])
            {
                Retention = StreamConfigRetention.Workqueue, Storage = StreamConfigStorage.File, DuplicateWindow = TimeSpan.FromMinutes(10),
            }, cancellationToken);
        var consumer = await js.CreateOrUpdateConsumerAsync(stream,
            new ConsumerConfig("replay") { AckPolicy = ConsumerConfigAckPolicy.Explicit, AckWait = TimeSpan.FromSeconds(20), MaxAckPending = 512 },
            cancellationToken);

        var stored = Channel.CreateUnbounded<bool>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var replay = Task.Run(async () =>
        {
            try
            {
                await foreach (var msg in consumer.ConsumeAsync<NatsMemoryOwner<byte>>(cancellationToken: stop.Token))
                {
                    using var data = msg.Data;
                    var id = long.Parse(msg.Headers?["Nats-Msg-Id"].ToString() ?? "", CultureInfo.InvariantCulture);
                    // A bounded key space: the replay evicts old segments, the bench just overwrites them.
                    await db.StringSetAsync($"bench:segment:{id % 4096}", data.Memory);
                    await msg.AckAsync(cancellationToken: stop.Token);
                    stored.Writer.TryWrite(true);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Measurement over.
            }
            catch (Exception e)
            {
                stored.Writer.TryComplete(e);
            }
        }, CancellationToken.None);

        var segment = RandomBytes(SegmentBytes);
        var nextId = 0L;
        async Task PublishOneAsync()
        {
            var id = Interlocked.Increment(ref nextId).ToString(CultureInfo.InvariantCulture);
            var ack = await js.PublishAsync("bench.segments", segment, opts: new NatsJSPubOpts { MsgId = id }, cancellationToken: cancellationToken);
            ack.EnsureSuccess();
        }

        var oneInFlight = await Measure.SecondsPerCallAsync(async () =>
        {
            await PublishOneAsync();
            await stored.Reader.ReadAsync(cancellationToken);
        }, Budget, warmupCalls: 50);

        // Throughput: several actors, each publishing one segment at a time; counted when the replay has acked.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var published = 0L;
        await Task.WhenAll(Enumerable.Range(0, Actors).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed.TotalSeconds < Budget)
            {
                await PublishOneAsync();
                Interlocked.Increment(ref published);
            }
        }, cancellationToken)));
        for (var i = 0L; i < published; i++)
        {
            await stored.Reader.ReadAsync(cancellationToken);
        }

        var throughput = published / watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await replay;
        await WaitForEmptyStreamAsync(js, stream, cancellationToken);

        // The first leg alone, on a stream of the same kind with no consumer.
        await js.CreateStreamAsync(
            new StreamConfig("BENCH_PUBACK", ["bench.puback"])
            {
                Retention = StreamConfigRetention.Workqueue, Storage = StreamConfigStorage.File, DuplicateWindow = TimeSpan.FromMinutes(10),
            }, cancellationToken);
        var pubAckAlone = await Measure.SecondsPerCallAsync(async () =>
        {
            var id = Interlocked.Increment(ref nextId).ToString(CultureInfo.InvariantCulture);
            var ack = await js.PublishAsync("bench.puback", segment, opts: new NatsJSPubOpts { MsgId = id }, cancellationToken: cancellationToken);
            ack.EnsureSuccess();
        }, Budget / 2, warmupCalls: 50);
        await js.DeleteStreamAsync("BENCH_PUBACK", cancellationToken);

        var setAlone = await Measure.SecondsPerCallAsync(() => db.StringSetAsync("bench:segment:alone", segment), Budget, warmupCalls: 50);
        var referenceSet = (await RedisBenchmark.RunAsync(redisPort, "set", SegmentBytes, 20_000, clients: 1, pipeline: 1, cancellationToken))["SET"];
        var (copy, loopback) = await BaselinesAsync(segment, cancellationToken);

        const string size = "4 KiB";
        report.Add($"segment {size}: publish→PubAck→SET→ack", oneInFlight * 1e6, "us", "one in flight; Nats-Msg-Id per segment; file stream, durable pull consumer");
        report.Add($"segment {size}: throughput, {Actors} actors", throughput, "segments/s", "each actor waits for its PubAck; the replay SETs and acks one by one");
        report.Add($"segment {size}: publish→PubAck alone", pubAckAlone * 1e6, "us", "the first leg: file stream, no consumer");
        report.Add($"segment {size}: SET alone (StackExchange.Redis)", setAlone * 1e6, "us", "one in flight");
        report.Add($"segment {size}: SET (redis-benchmark)", 1e6 / referenceSet, "us", $"-c 1 -P 1 -d {SegmentBytes}");
        report.Add($"segment {size}: memory copy", copy * 1e6, "us");
        report.Add($"segment {size}: loopback TCP", loopback * 1e6, "us", "bytes once across a raw socket pair + 1-byte answer");
        report.Add($"segment {size}: ratio path / redis-benchmark SET", oneInFlight * referenceSet, "x", "the whole path against Redis' own client storing the same bytes");
        report.Add($"segment {size}: ratio SET alone / redis-benchmark SET", setAlone * referenceSet, "x", "1.0 = as fast as the C client");
        report.Add($"segment {size}: ratio throughput / redis-benchmark SET rate", throughput / referenceSet, "x", "the replay SETs serially, so ~1.0 is its ceiling");
        report.Add($"segment {size}: ratio path / loopback TCP", oneInFlight / loopback, "x", "the segment crosses loopback three times (to NATS, to the replay, to Redis)");
        report.Add($"segment {size}: ratio path / memory copy", oneInFlight / copy, "x");
    }

    // (b) reanalyzer → SZ_BATCHES (work queue, memory, discard new) in chunks → learner reassembles, acking each chunk.
    private static async Task BatchesAsync(BenchReport report, NatsJSContext js, int maxPayload, CancellationToken cancellationToken)
    {
        const string stream = "BENCH_BATCHES";
        var chunkBytes = maxPayload - 1024;
        var chunks = (BatchBytes + chunkBytes - 1) / chunkBytes;
        await js.CreateStreamAsync(
            new StreamConfig(stream, ["bench.batches"])
            {
                Retention = StreamConfigRetention.Workqueue, Storage = StreamConfigStorage.Memory, MaxMsgs = 4L * chunks, Discard = StreamConfigDiscard.New,
            }, cancellationToken);
        var consumer = await js.CreateOrUpdateConsumerAsync(stream,
            new ConsumerConfig("learner") { AckPolicy = ConsumerConfigAckPolicy.Explicit, AckWait = TimeSpan.FromSeconds(60), MaxAckPending = 16 },
            cancellationToken);

        var batch = RandomBytes(BatchBytes);
        var assembled = new byte[BatchBytes];
        var complete = Channel.CreateUnbounded<long>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var learner = Task.Run(async () =>
        {
            try
            {
                var (transfer, received, bytes) = (-1L, 0, 0);
                await foreach (var msg in consumer.ConsumeAsync<NatsMemoryOwner<byte>>(
                                   opts: new NatsJSConsumeOpts { MaxMsgs = 16 }, cancellationToken: stop.Token))
                {
                    using var data = msg.Data;
                    var headers = msg.Headers ?? throw new InvalidOperationException("chunk without headers");
                    var id = long.Parse(headers["Sz-Transfer-Id"].ToString(), CultureInfo.InvariantCulture);
                    var offset = int.Parse(headers["Sz-Chunk-Offset"].ToString(), CultureInfo.InvariantCulture);
                    var count = int.Parse(headers["Sz-Chunk-Count"].ToString(), CultureInfo.InvariantCulture);
                    if (id != transfer)
                    {
                        (transfer, received, bytes) = (id, 0, 0);
                    }

                    data.Memory.Span.CopyTo(assembled.AsSpan(offset));
                    await msg.AckAsync(cancellationToken: stop.Token);
                    bytes += data.Length;
                    if (++received == count)
                    {
                        complete.Writer.TryWrite(bytes);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Measurement over.
            }
            catch (Exception e)
            {
                complete.Writer.TryComplete(e);
            }
        }, CancellationToken.None);

        var transfers = 0L;
        var perBatch = await Measure.SecondsPerCallAsync(async () =>
        {
            var transfer = (++transfers).ToString(CultureInfo.InvariantCulture);
            for (var index = 0; index < chunks; index++)
            {
                var offset = index * chunkBytes;
                var length = Math.Min(chunkBytes, BatchBytes - offset);
                var headers = new NatsHeaders
                {
                    ["Sz-Transfer-Id"] = transfer,
                    ["Sz-Chunk-Index"] = index.ToString(CultureInfo.InvariantCulture),
                    ["Sz-Chunk-Count"] = chunks.ToString(CultureInfo.InvariantCulture),
                    ["Sz-Transfer-Length"] = BatchBytes.ToString(CultureInfo.InvariantCulture),
                    ["Sz-Chunk-Offset"] = offset.ToString(CultureInfo.InvariantCulture),
                };
                var ack = await js.PublishAsync<ReadOnlyMemory<byte>>("bench.batches", batch.AsMemory(offset, length),
                    opts: new NatsJSPubOpts { MsgId = $"{transfer}:{index}" }, headers: headers, cancellationToken: cancellationToken);
                ack.EnsureSuccess();
            }

            if (await complete.Reader.ReadAsync(cancellationToken) != BatchBytes)
            {
                throw new InvalidOperationException("batch reassembled with the wrong length");
            }
        }, Budget);

        await stop.CancelAsync();
        await learner;
        if (!assembled.AsSpan().SequenceEqual(batch))
        {
            throw new InvalidOperationException("reassembled batch differs from the published one");
        }

        await WaitForEmptyStreamAsync(js, stream, cancellationToken);
        var (copy, loopback) = await BaselinesAsync(batch, cancellationToken);

        const string size = "2.5 MiB";
        report.Add($"batch {size}: publish→fetch, {chunks} chunks", perBatch * 1e3, "ms", "chunks published one after another, each awaiting its PubAck; memory stream, pull consumer acks each chunk");
        report.Add($"batch {size}: batches/s", 1 / perBatch, "batches/s", "one batch in flight");
        report.Add($"batch {size}: memory copy", copy * 1e3, "ms");
        report.Add($"batch {size}: loopback TCP", loopback * 1e3, "ms", "bytes once across a raw socket pair + 1-byte answer");
        report.Add($"batch {size}: ratio path / loopback TCP", perBatch / loopback, "x", "the batch crosses loopback twice (to NATS, to the learner)");
        report.Add($"batch {size}: ratio path / memory copy", perBatch / copy, "x");
    }

    // (c) learner: SET blob (+ latest) and announce on core NATS → a subscriber GETs the blob.
    private static async Task WeightsAsync(BenchReport report, NatsConnection nats, IDatabase db, int redisPort, CancellationToken cancellationToken)
    {
        const string subject = "bench.weights.selfplay";
        var weights = RandomBytes(WeightsBytes);
        var fetched = Channel.CreateUnbounded<long>();
        await using var subscription = await nats.SubscribeCoreAsync<byte[]>(subject, cancellationToken: cancellationToken);
        await nats.PingAsync(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var subscriber = Task.Run(async () =>
        {
            try
            {
                await foreach (var announcement in subscription.Msgs.ReadAllAsync(stop.Token))
                {
                    var fields = Encoding.UTF8.GetString(announcement.Data ?? []).Split(' ');
                    using var blob = await db.StringGetLeaseAsync(fields[0]);
                    if (blob is null || blob.Length != int.Parse(fields[1], CultureInfo.InvariantCulture))
                    {
                        throw new InvalidOperationException($"weights {fields[0]} missing or of the wrong length");
                    }

                    fetched.Writer.TryWrite(blob.Length);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Measurement over.
            }
            catch (Exception e)
            {
                fetched.Writer.TryComplete(e);
            }
        }, CancellationToken.None);

        var version = 0L;
        var perBroadcast = await Measure.SecondsPerCallAsync(async () =>
        {
            var v = ++version;
            var key = $"bench:weights:selfplay:{v}";
            await db.StringSetAsync(key, weights);
            await db.StringSetAsync("bench:weights:selfplay:latest", v);
            // The current and previous versions are kept.
            _ = db.KeyDeleteAsync($"bench:weights:selfplay:{v - 2}", CommandFlags.FireAndForget);
            await nats.PublishAsync(subject, Encoding.UTF8.GetBytes($"{key} {WeightsBytes} {v}"), cancellationToken: cancellationToken);
            await fetched.Reader.ReadAsync(cancellationToken);
        }, Budget);

        await stop.CancelAsync();
        await subscriber;

        var setGetAlone = await Measure.SecondsPerCallAsync(async () =>
        {
            await db.StringSetAsync("bench:weights:alone", weights);
            using var lease = await db.StringGetLeaseAsync("bench:weights:alone");
        }, Budget);
        var reference = await RedisBenchmark.RunAsync(redisPort, "set,get", WeightsBytes, 200, clients: 1, pipeline: 1, cancellationToken);
        var referenceSetGet = (1 / reference["SET"]) + (1 / reference["GET"]);
        var (copy, loopback) = await BaselinesAsync(weights, cancellationToken);

        const string size = "2 MiB";
        report.Add($"weights {size}: SET + announce → GET", perBroadcast * 1e3, "ms", "one subscriber on the same connection; the previous version kept");
        report.Add($"weights {size}: SET + GET alone (StackExchange.Redis)", setGetAlone * 1e3, "ms");
        report.Add($"weights {size}: SET + GET (redis-benchmark)", referenceSetGet * 1e3, "ms", $"-c 1 -P 1 -d {WeightsBytes}: 1/SET rate + 1/GET rate");
        report.Add($"weights {size}: memory copy", copy * 1e3, "ms");
        report.Add($"weights {size}: loopback TCP", loopback * 1e3, "ms", "bytes once across a raw socket pair + 1-byte answer");
        report.Add($"weights {size}: ratio path / redis-benchmark SET + GET", perBroadcast / referenceSetGet, "x");
        report.Add($"weights {size}: ratio SET + GET alone / redis-benchmark", setGetAlone / referenceSetGet, "x", "1.0 = as fast as the C client");
        report.Add($"weights {size}: ratio path / loopback TCP", perBroadcast / loopback, "x", "the blob crosses loopback twice (to Redis, back to the subscriber)");
        report.Add($"weights {size}: ratio path / memory copy", perBroadcast / copy, "x");
    }

    /// <summary>Seconds per memory copy of <paramref name="bytes"/>, and per trip of them across a loopback TCP pair.</summary>
    private static async Task<(double Copy, double Loopback)> BaselinesAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        var target = new byte[bytes.Length];
        var copy = Measure.SecondsPerCall(() => bytes.AsSpan().CopyTo(target), Budget / 4);
        await using var pair = await LoopbackPair.OpenAsync(bytes.Length, cancellationToken);
        var loopback = await Measure.SecondsPerCallAsync(() => pair.RoundAsync(bytes, cancellationToken), Budget / 2, warmupCalls: 20);
        return (copy, loopback);
    }

    /// <summary>Every ack reached the server: a work-queue stream deletes what was acked.</summary>
    private static async Task WaitForEmptyStreamAsync(NatsJSContext js, string stream, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var info = await js.GetStreamAsync(stream, cancellationToken: cancellationToken);
            if (info.Info.State.Messages == 0)
            {
                return;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"{stream} still holds {info.Info.State.Messages} messages: acks were lost");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(1).NextBytes(bytes);
        return bytes;
    }
}
