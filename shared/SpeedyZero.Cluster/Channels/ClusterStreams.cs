using SpeedyZero.Messaging.JetStream;
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
        await js.CreateOrUpdateStreamAsync(new StreamConfig
        {
            Name = names.SegmentStream,
            Subjects = [names.SegmentSubject],
            Retention = RetentionPolicy.WorkQueue,
            Storage = StorageType.File,
            DuplicateWindow = TimeSpan.FromMinutes(10),
        }, cancellationToken);
        await js.CreateOrUpdateStreamAsync(new StreamConfig
        {
            Name = names.BatchStream,
            Subjects = [names.BatchSubject],
            Retention = RetentionPolicy.WorkQueue,
            Storage = StorageType.Memory,
            MaxMsgs = config.Reanalyze.QueueCapacity,
            Discard = DiscardPolicy.New,
        }, cancellationToken);
        await js.CreateConsumerAsync(names.SegmentStream, new ConsumerConfig
        {
            DurableName = ClusterNames.ReplayConsumer,
            AckWait = SegmentAckWait,
            MaxAckPending = 512,
        }, cancellationToken);
        await js.CreateConsumerAsync(names.BatchStream, new ConsumerConfig
        {
            DurableName = ClusterNames.LearnerConsumer,
            AckWait = TimeSpan.FromSeconds(60),
            MaxAckPending = 16,
        }, cancellationToken);
    }
}
