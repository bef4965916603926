using SpeedyZero.Engine;
using System.Runtime.InteropServices;
using NATS.Client.Core;
using NATS.Client.JetStream;
using SpeedyZero.Cluster.Channels;
using SpeedyZero.Cluster.Channels.Chunking;
using SpeedyZero.LocalServers;
using SpeedyZero.Testing;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Cluster.Tests;

/// <summary>
/// The batch work queue against a real nats-server with max_payload 64 KiB: batches larger than
/// a message go as chunks, whole and bit-identical, within the backlog bound; bad chunks are counted.
/// </summary>
public class BatchQueueTests
{
    private const int MaxPayload = 64 * 1024;

    private sealed class Fixture : IAsyncDisposable
    {
        public required NatsServer Nats { get; init; }
        public required RedisServer Redis { get; init; }
        public required ClusterContext Context { get; init; }
        public required TrainingSetup Setup { get; init; }

        public JetStreamBatchQueue Queue(TimeSpan? transferTimeout = null) =>
            new(Context, Setup.Config.Learner.BatchSize, Setup.UnrollSteps, Setup.StackedObservationSize, Setup.ActionCount, transferTimeout);

        public TrainBatch Batch(int seed) => RandomBatch(Setup, seed);

        public async ValueTask DisposeAsync()
        {
            await Context.DisposeAsync();
            await Redis.DisposeAsync();
            await Nats.DisposeAsync();
        }
    }

    /// <summary>Breakout with batch 32: about 300 KB a batch, several chunks under 64 KiB.</summary>
    private static async Task<Fixture> StartAsync(string preset = "breakout", int batchSize = 32, int capacity = 2)
    {
        var nats = await NatsServer.StartAsync($"max_payload: {MaxPayload}\n");
        var redis = await RedisServer.StartAsync();
        var config = ConfigLoader.Load(preset, null, new Dictionary<string, string>(),
        [
            $"nats.url={nats.Url}", $"redis.endpoint=127.0.0.1:{redis.Port}",
            $"learner.batch_size={batchSize}", $"reanalyze.queue_capacity={capacity}",
        ]);
        var context = await TestContexts.ConnectAsync(config);
        await ClusterStreams.EnsureAsync(context, config, Timeout());
        return new Fixture { Nats = nats, Redis = redis, Context = context, Setup = new TrainingSetup(config) };
    }

    private static TrainBatch RandomBatch(TrainingSetup setup, int seed) =>
        Fill(new TrainBatch(setup.Config.Learner.BatchSize, setup.UnrollSteps, setup.StackedObservationSize, setup.ActionCount), seed);

    // The same contents for the same seed, whichever batch of the shape receives them.
    private static TrainBatch Fill(TrainBatch batch, int seed)
    {
        var random = new Random(seed);
        batch.TargetVersion = random.NextInt64(1, 1L << 50);
        batch.FreshPolicies = random.Next(batch.BatchSize + 1);
        for (var i = 0; i < batch.Ids.Length; i++) batch.Ids[i] = seed * 100_000L + i;
        foreach (var array in new[] { batch.Weights, batch.Observations, batch.Masks, batch.TargetValues, batch.TargetValuePrefixes, batch.TargetPolicies })
        {
            for (var i = 0; i < array.Length; i++) array[i] = (float)(random.NextDouble() * 2 - 1);
        }

        for (var i = 0; i < batch.Actions.Length; i++) batch.Actions[i] = random.Next(batch.ActionCount);
        return batch;
    }

    private static void AssertIdentical(TrainBatch expected, TrainBatch actual)
    {
        Assert.Equal(expected.Ids, actual.Ids);
        Assert.Equal(expected.TargetVersion, actual.TargetVersion);
        Assert.Equal(expected.FreshPolicies, actual.FreshPolicies);
        Assert.Equal(expected.Actions, actual.Actions);
        Assert.Equal(Bits(expected.Observations), Bits(actual.Observations));
        Assert.Equal(Bits(expected.Masks), Bits(actual.Masks));
        Assert.Equal(Bits(expected.TargetValues), Bits(actual.TargetValues));
        Assert.Equal(Bits(expected.TargetValuePrefixes), Bits(actual.TargetValuePrefixes));
        Assert.Equal(Bits(expected.TargetPolicies), Bits(actual.TargetPolicies));
        Assert.Equal(Bits(expected.Weights), Bits(actual.Weights));
    }

    private static byte[] Bits(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static async Task<TrainBatch> TakeAsync(JetStreamBatchQueue queue)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await queue.TakeAsync(timeout.Token);
    }

    /// <summary>Publishes retry while the stream is full or the server fails; a test gives up after a minute.</summary>
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static async Task<long> StreamMessagesAsync(Fixture f) =>
        (await f.Context.JetStream.GetStreamAsync(f.Context.Names.BatchStream)).Info.State.Messages;

    [Fact]
    public async Task A_batch_several_times_max_payload_goes_through_the_queue_bit_identical()
    {
        await using var f = await StartAsync();
        var reanalyzer = f.Queue();
        var learner = f.Queue();
        Assert.True(learner.ChunksPerBatch >= 4, $"a batch should take several messages, takes {learner.ChunksPerBatch}");
        var stream = await f.Context.JetStream.GetStreamAsync(f.Context.Names.BatchStream);
        Assert.Equal(2L * learner.ChunksPerBatch, stream.Info.Config.MaxMsgs);

        var sent = f.Batch(1);
        await reanalyzer.PublishAsync(sent, Timeout());
        Assert.Equal(learner.ChunksPerBatch, await StreamMessagesAsync(f));
        AssertIdentical(sent, await TakeAsync(learner));
        Assert.Equal(0, f.Context.DecodeErrors.Count(f.Context.Names.BatchSubject));

        // Every chunk was acked as it was taken: the work queue empties.
        for (var wait = 0; wait < 100 && await StreamMessagesAsync(f) > 0; wait++) await Task.Delay(20);
        Assert.Equal(0, await StreamMessagesAsync(f));
    }

    [Fact]
    public async Task Batches_circulate_a_published_one_is_filled_again_and_a_returned_one_is_decoded_into_again()
    {
        await using var f = await StartAsync();
        var reanalyzer = f.Queue();
        var learner = f.Queue();

        var first = Fill(reanalyzer.Rent(), 11);
        await reanalyzer.PublishAsync(first, Timeout());
        var second = reanalyzer.Rent();
        Assert.Same(first, second); // encoded on publish, so free to fill again
        Assert.All(second.Observations, v => Assert.Equal(0f, v));
        Assert.Equal(0, second.TargetVersion);
        Fill(second, 12);

        var taken = await TakeAsync(learner);
        AssertIdentical(f.Batch(11), taken);
        learner.Return(taken);
        await reanalyzer.PublishAsync(second, Timeout());
        var takenAgain = await TakeAsync(learner);
        Assert.Same(taken, takenAgain);
        AssertIdentical(f.Batch(12), takenAgain);
        Assert.Throws<ArgumentException>(() => learner.Return(new TrainBatch(3, f.Setup.UnrollSteps, f.Setup.StackedObservationSize, f.Setup.ActionCount)));
    }

    [Fact]
    public async Task A_batch_that_fits_stays_one_message_without_chunk_headers()
    {
        await using var f = await StartAsync("cartpole", batchSize: 32);
        var queue = f.Queue();
        Assert.Equal(1, queue.ChunksPerBatch);
        Assert.Equal(2, (await f.Context.JetStream.GetStreamAsync(f.Context.Names.BatchStream)).Info.Config.MaxMsgs);

        var sent = f.Batch(2);
        await queue.PublishAsync(sent, Timeout());
        Assert.Equal(1, await StreamMessagesAsync(f));
        var message = await f.Context.Nats.RequestAsync<byte[], byte[]>($"$JS.API.STREAM.MSG.GET.{f.Context.Names.BatchStream}",
            "{\"seq\":1}"u8.ToArray(), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
        using var stored = System.Text.Json.JsonDocument.Parse(message.Data);
        var headers = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(stored.RootElement.GetProperty("message").GetProperty("hdrs").GetString()!));
        Assert.Contains("Nats-Msg-Id", headers);
        Assert.DoesNotContain(ChunkHeaders.TransferId, headers);
        AssertIdentical(sent, await TakeAsync(queue));
    }

    [Fact]
    public async Task Two_publishers_of_large_batches_interleave_within_the_bound_and_every_batch_arrives_whole()
    {
        const int perPublisher = 4;
        await using var f = await StartAsync(capacity: 2);
        var learner = f.Queue();
        var bound = 2L * learner.ChunksPerBatch;
        var sent = new Dictionary<long, TrainBatch>();
        var publishers = new List<Task>();
        for (var p = 0; p < 2; p++)
        {
            var queue = f.Queue(); // its own producer id, like a separate reanalyzer
            var batches = Enumerable.Range(0, perPublisher).Select(n => f.Batch(10 + p * perPublisher + n)).ToList();
            foreach (var batch in batches) sent[batch.Ids[0]] = batch;
            publishers.Add(Task.Run(async () =>
            {
                foreach (var batch in batches) await queue.PublishAsync(batch, Timeout());
            }));
        }

        using var stopWatching = new CancellationTokenSource();
        long most = 0;
        var watcher = Task.Run(async () =>
        {
            while (!stopWatching.IsCancellationRequested)
            {
                most = Math.Max(most, await StreamMessagesAsync(f));
                await Task.Delay(5);
            }
        });

        // A slow learner: the backlog fills and publishers wait chunk by chunk.
        await Task.Delay(500);
        var received = new List<TrainBatch>();
        for (var n = 0; n < 2 * perPublisher; n++)
        {
            received.Add(await TakeAsync(learner));
            await Task.Delay(100);
        }

        await Task.WhenAll(publishers).WaitAsync(TimeSpan.FromSeconds(30));
        await stopWatching.CancelAsync();
        await watcher;

        Assert.Equal(sent.Keys.Order(), received.Select(b => b.Ids[0]).Order());
        foreach (var batch in received) AssertIdentical(sent[batch.Ids[0]], batch);
        Assert.Equal(0, f.Context.DecodeErrors.Count(f.Context.Names.BatchSubject));
        Assert.True(most <= bound, $"the stream held {most} messages; the bound is {bound}");
        Assert.True(most > learner.ChunksPerBatch, $"the backlog should have filled past one batch ({most} messages seen)");
        Assert.True(learner.PeakOpenTransfers >= 2, "the two publishers' chunks should have interleaved");
    }

    [Fact]
    public async Task Malformed_and_incomplete_chunks_are_counted_and_the_next_good_batch_arrives()
    {
        await using var f = await StartAsync();
        var js = f.Context.JetStream;
        var subject = f.Context.Names.BatchSubject;
        var reanalyzer = f.Queue();
        var learner = f.Queue(transferTimeout: TimeSpan.FromSeconds(2));
        static NatsHeaders Chunk(string id, string index, string count, string total, string offset) => new()
        {
            [ChunkHeaders.TransferId] = id, [ChunkHeaders.Index] = index, [ChunkHeaders.Count] = count,
            [ChunkHeaders.TotalLength] = total, [ChunkHeaders.Offset] = offset,
        };
        async Task PublishAsync(ReadOnlyMemory<byte> data, string id, NatsHeaders? headers = null) =>
            (await js.PublishAsync(subject, data, opts: new NatsJSPubOpts { MsgId = id }, headers: headers)).EnsureSuccess();

        await PublishAsync(new byte[100], "junk-1", Chunk("junk-1", "x", "3", "300", "0"));             // non-numeric
        await PublishAsync(new byte[100], "junk-2", Chunk("junk-2", "0", "3", "999999999", "0"));       // larger than any batch
        await PublishAsync(new byte[100], "junk-3", Chunk("junk-3", "0", "3", "300", "0"));             // never completes
        await PublishAsync(new byte[] { 0xc1, 1, 2, 3 }, "junk-4");                                     // not a batch at all
        var noise = new byte[150_000];
        new Random(3).NextBytes(noise);
        foreach (var (headers, data) in ChunkSplitter.Split(noise, ChunkSplitter.ChunkSizeFor(MaxPayload), "junk-5"))       // whole, not a batch
        {
            await PublishAsync(data, $"junk-5:{ChunkHeaders.Read(headers, ChunkHeaders.Index)}", headers);
        }

        // The junk holds most of the bound: the good batch's chunks go in as the learner takes.
        var first = f.Batch(20);
        var publishing = reanalyzer.PublishAsync(first, Timeout()).AsTask();
        AssertIdentical(first, await TakeAsync(learner));
        await publishing;
        Assert.Equal(2, learner.RejectedChunks);
        // Two refused chunks, two undecodable payloads (and the open transfer if a slow machine timed it out already).
        Assert.Equal(4 + learner.IncompleteBatches, f.Context.DecodeErrors.Count(subject));

        // The open transfer times out on the learner's next take and is counted too.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var second = f.Batch(21);
        await reanalyzer.PublishAsync(second, Timeout());
        AssertIdentical(second, await TakeAsync(learner));
        Assert.Equal(1, learner.IncompleteBatches);
        Assert.Equal(5, f.Context.DecodeErrors.Count(subject));
    }
}
