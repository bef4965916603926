using NATS.Client.JetStream.Models;
using SpeedyZero.Cluster.Channels.Chunking;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Core.Environments;
using SpeedyZero.Training.Config;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// The two JetStream streams and their durable consumers, created or updated idempotently by
/// every role at start (whichever starts first creates them).
/// </summary>
public static class ClusterStreams
{
    /// <summary>Time the replay has to store a segment before it is delivered again.</summary>
    public static readonly TimeSpan SegmentAckWait = TimeSpan.FromSeconds(20);

    public static async Task EnsureAsync(ClusterContext context, TrainingConfig config, CancellationToken cancellationToken)
    {
        var names = context.Names;
        var js = context.JetStream;
        await js.CreateOrUpdateStreamAsync(new StreamConfig(names.SegmentStream, [names.SegmentSubject])
        {
            Retention = StreamConfigRetention.Workqueue,
            Storage = StreamConfigStorage.File,
            DuplicateWindow = TimeSpan.FromMinutes(10),
        }, cancellationToken);
        await js.CreateOrUpdateStreamAsync(new StreamConfig(names.BatchStream, [names.BatchSubject])
        {
            Retention = StreamConfigRetention.Workqueue,
            Storage = StreamConfigStorage.Memory,
            // The limit counts chunks (see BatchChunks), so it is queue_capacity batches however large they are.
            MaxMsgs = (long)config.Reanalyze.QueueCapacity * BatchChunks(config, context.MaxPayload),
            Discard = StreamConfigDiscard.New,
        }, cancellationToken);
        await js.CreateOrUpdateConsumerAsync(names.SegmentStream, new ConsumerConfig(ClusterNames.ReplayConsumer)
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = SegmentAckWait,
            MaxAckPending = 512,
        }, cancellationToken);
        await js.CreateOrUpdateConsumerAsync(names.BatchStream, new ConsumerConfig(ClusterNames.LearnerConsumer)
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = TimeSpan.FromSeconds(60),
            MaxAckPending = 16,
        }, cancellationToken);
    }

    /// <summary>
    /// Messages one training batch of this run takes on the batch stream: 1 while the largest
    /// encoding of the batch shape fits under max_payload (less the chunk-header reserve), else its
    /// chunk count. The batch stream's limit is queue_capacity times this: counted in chunks, not
    /// bytes, because JetStream's byte accounting adds per-message overhead the roles cannot see,
    /// and a refused publish then always means "the backlog holds queue_capacity batches' worth".
    /// The shape comes from a probe of the environment (every role, the replay included, derives
    /// the same limit without loading the engine).
    /// </summary>
    public static int BatchChunks(TrainingConfig config, long maxPayload)
    {
        var env = config.Env;
        var probe = EnvironmentRegistry.Create(env.Name, new EnvironmentOptions
        {
            StickyActionProbability = env.StickyActionProbability,
            MinimalActionSet = env.MinimalActionSet,
            DifficultyRamping = env.DifficultyRamping,
            MaxEpisodeSteps = env.MaxEpisodeSteps,
        });
        var length = TrainBatchMessage.MaxEncodedLength(config.Learner.BatchSize, config.Algorithm.UnrollSteps,
            probe.ObservationShape.Size * env.FrameStack, probe.ActionCount);
        return BatchChunks(length, maxPayload);
    }

    /// <summary>Messages a payload of <paramref name="length"/> bytes takes under <paramref name="maxPayload"/>.</summary>
    public static int BatchChunks(long length, long maxPayload)
    {
        var chunkSize = ChunkSplitter.ChunkSizeFor(maxPayload);
        return (int)Math.Max(1, (length + chunkSize - 1) / chunkSize);
    }
}
