namespace SpeedyZero.Cluster.Tests.Contracts;

using SpeedyZero.Engine;
using System.Security.Cryptography;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Core.Replay;
using SpeedyZero.Training.Channels;

/// <summary>Valid, realistic instances of every contract, shared by the round-trip, validation and fuzz tests.</summary>
internal static class ContractSamples
{
    public const long CreatedAtMs = 1_760_000_123_456;

    /// <summary>A batch whose every element differs from every other (across all arrays), so a misplaced copy shows.</summary>
    public static TrainBatch DistinctBatch(int batchSize, int unroll, int observationSize, int actionCount)
    {
        var batch = new TrainBatch(batchSize, unroll, observationSize, actionCount) { TargetVersion = 9_876_543_210, FreshPolicies = batchSize - 1 };
        var next = 1;
        for (var i = 0; i < batch.Ids.Length; i++) batch.Ids[i] = (1L << 40) + next++;
        foreach (var array in new[] { batch.Observations, batch.Masks, batch.TargetValues, batch.TargetValuePrefixes, batch.TargetPolicies, batch.Weights })
        {
            for (var i = 0; i < array.Length; i++) array[i] = next++ * 0.25f - 1000f;
        }

        for (var i = 0; i < batch.Actions.Length; i++) batch.Actions[i] = next++;
        return batch;
    }

    public static SegmentMessage Segment() => new()
    {
        SegmentId = (5L << 40) | 17,
        Incarnation = 5,
        WeightsVersion = 12,
        CreatedAtMs = CreatedAtMs,
        Positions = 3,
        Encoded = Enumerable.Range(0, 40).Select(i => (byte)(i * 7 + 3)).ToArray(),
    };

    public static TrainBatchMessage Batch(int batchSize = 2, int unroll = 1, int observationSize = 2, int actionCount = 2) =>
        TrainBatchMessage.From(DistinctBatch(batchSize, unroll, observationSize, actionCount), 77) with { CreatedAtMs = CreatedAtMs };

    public static SampleRequest SampleRequest() => new() { Count = 256, Beta = 0.4 };

    public static SampleReply SampleReply() =>
        global::SpeedyZero.Cluster.Contracts.SampleReply.From(new ReplaySample([100, 205, 310, 4_000_000_000], [1L << 33, (1L << 33) + 4, 7, 8], [0.5f, 1f, 0.25f, 0.75f], 4_000_000_001));

    public static SampleReply SampleError() => new() { Error = "replay holds 3 transitions; cannot draw 256 distinct ones" };

    public static StatusRequest StatusRequest() => new();

    public static StatusReply StatusReply() => new() { OldestId = 100, NextId = 5_000_000_000, Segments = 77 };

    public static SweepRequest SweepRequest() => new() { FromId = 100, Count = 512 };

    public static SweepReply SweepReply() =>
        global::SpeedyZero.Cluster.Contracts.SweepReply.From(new ReplaySweep([100, 101, 102], [1L << 33, (1L << 33) + 1, (1L << 33) + 2], 5_000));

    public static PriorityUpdate Priorities() => new()
    {
        Step = 42,
        Ids = Tensor.From<long>([10, 11, 12, 13_000_000_000], 4),
        Priorities = Tensor.From<float>([0.5f, 2f, 1e-6f, 3.5f], 4),
    };

    public static WeightsAnnouncement Weights()
    {
        var blob = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        return new WeightsAnnouncement
        {
            WeightsVersion = 31,
            RedisKey = "sz:weights:selfplay:31",
            ByteLength = blob.Length,
            Sha256 = SHA256.HashData(blob),
            LearnerStep = 3100,
            CreatedAtMs = CreatedAtMs,
        };
    }

    public static CounterMessage Counter() => new() { Value = 123_456_789_012 };

    public static EvaluationRequestMessage EvaluationRequest() => new() { LearnerStep = 5000, EnvSteps = 1_250_000, WeightsKey = "sz:eval:weights:5000" };

    public static EvaluationReport EvaluationReport() => new()
    {
        LearnerStep = 5000,
        EnvSteps = 1_250_000,
        Returns = Tensor.From<float>([200f, 187.5f, -3.25f], 3),
        Lengths = Tensor.From<int>([200, 188, 12], 3),
    };

    /// <summary>One valid instance of each contract type (a small batch, so the fuzz stays fast).</summary>
    public static IReadOnlyList<IWireContract> OnePerType() =>
    [
        Segment(), Batch(), SampleRequest(), SampleReply(), StatusRequest(), StatusReply(), SweepRequest(), SweepReply(), Priorities(), Weights(), Counter(),
        EvaluationRequest(), EvaluationReport(),
    ];
}
