using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster;

/// <summary>
/// Every subject, stream, consumer and Redis key of the distributed run (docs/cluster.md is the
/// catalogue). A <c>prefix</c> (default "sz") keeps several runs apart on one pair of servers.
/// </summary>
public sealed class ClusterNames(string prefix = "sz")
{
    public string Prefix { get; } = prefix;

    // JetStream
    public string SegmentStream => $"{Prefix.ToUpperInvariant()}_SEGMENTS";
    public string SegmentSubject => $"{Prefix}.segments";
    public const string ReplayConsumer = "replay";
    public string BatchStream => $"{Prefix.ToUpperInvariant()}_BATCHES";
    public string BatchSubject => $"{Prefix}.batches";
    public const string LearnerConsumer = "learner";

    // Request/reply served by the replay
    public string ReplaySample => $"{Prefix}.replay.sample";
    public string ReplayStatus => $"{Prefix}.replay.status";
    public string ReplaySweep => $"{Prefix}.replay.sweep";
    public string ReplayPriorities(string source) => $"{Prefix}.replay.priorities.{source}";

    // Core NATS broadcasts
    public string WeightsAnnounce(WeightsKind kind) => $"{Prefix}.weights.{KindName(kind)}";
    public string ClockEnv => $"{Prefix}.clock.env";
    public string ClockLearner => $"{Prefix}.clock.learner";
    public string RunFinished => $"{Prefix}.control.finished";
    public string EvaluationRequests => $"{Prefix}.eval.requests";
    public string EvaluationResults => $"{Prefix}.eval.results";

    // Redis
    public string SegmentKey(long segmentId) => $"{Prefix}:replay:seg:{segmentId}";
    public string ReplayMeta => $"{Prefix}:replay:meta";
    public string ReplayOrder => $"{Prefix}:replay:order";
    public string PriorityChunk(long chunk) => $"{Prefix}:replay:prio:{chunk}";
    public string KeyChunk(long chunk) => $"{Prefix}:replay:keys:{chunk}";
    public string WeightsBlob(WeightsKind kind, long version) => $"{Prefix}:weights:{KindName(kind)}:{version}";
    public string WeightsLatest(WeightsKind kind) => $"{Prefix}:weights:{KindName(kind)}:latest";
    public string Clock => $"{Prefix}:clock";
    public string Finished => $"{Prefix}:run:finished";
    public string EvaluationWeights(long learnerStep) => $"{Prefix}:eval:weights:{learnerStep}";

    public static string KindName(WeightsKind kind) => kind == WeightsKind.SelfPlay ? "selfplay" : "target";
}
