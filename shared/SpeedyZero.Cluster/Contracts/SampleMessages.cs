using MessagePack;
using SpeedyZero.Core.Replay;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>Reanalyzer to replay on <c>sz.replay.sample</c> (request/reply): draw transitions by priority.</summary>
[MessagePackObject]
public sealed record SampleRequest : IWireContract
{
    /// <summary>The most transitions one request may ask for.</summary>
    public const int MaxCount = 65536;

    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>Distinct transitions to draw, 1..<see cref="MaxCount"/>.</summary>
    [Key(1)]
    public int Count { get; init; }

    /// <summary>Importance-sampling exponent, in [0, 1].</summary>
    [Key(2)]
    public double Beta { get; init; }

    /// <inheritdoc/>
    public void Validate()
    {
        if (Count is < 1 or > MaxCount) throw ContractRules.Broken(nameof(SampleRequest), $"count {Count} is outside 1..{MaxCount}");
        if (!(Beta is >= 0 and <= 1)) throw ContractRules.Broken(nameof(SampleRequest), $"beta {Beta} is outside [0, 1]");
    }
}

/// <summary>Replay's answer to a <see cref="SampleRequest"/>: the drawn transitions, or an error.</summary>
[MessagePackObject]
public sealed record SampleReply : IWireContract
{
    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>Why the replay could not answer; null when the sample is there.</summary>
    [Key(1)]
    public string? Error { get; init; }

    /// <summary>Transition ids, int64 [n].</summary>
    [Key(2)]
    public Tensor? Ids { get; init; }

    /// <summary>Keys locating the transitions (segment and position), int64 [n].</summary>
    [Key(3)]
    public Tensor? Keys { get; init; }

    /// <summary>Normalised importance weights, float32 [n].</summary>
    [Key(4)]
    public Tensor? Weights { get; init; }

    /// <summary>Transitions ever added when sampled (an item's age is NextId - id - 1).</summary>
    [Key(5)]
    public long NextId { get; init; }

    /// <summary>The reply carrying <paramref name="sample"/>.</summary>
    public static SampleReply From(ReplaySample sample) => new()
    {
        Ids = Tensor.From<long>(sample.Ids, sample.Ids.Length),
        Keys = Tensor.From<long>(sample.Keys, sample.Keys.Length),
        Weights = Tensor.From<float>(sample.Weights, sample.Weights.Length),
        NextId = sample.NextId,
    };

    /// <summary>The sample; <see cref="InvalidOperationException"/> when the reply is an error.</summary>
    public ReplaySample ToSample()
    {
        if (Error is not null) throw new InvalidOperationException($"replay refused the sample: {Error}");
        Validate();
        return new ReplaySample(Ids!.ToArray<long>(), Keys!.ToArray<long>(), Weights!.ToArray<float>(), NextId);
    }

    /// <inheritdoc/>
    public void Validate()
    {
        if (Error is not null) return;
        ContractRules.Parallel(nameof(SampleReply),
            (Ids, nameof(Ids), TensorDType.Int64), (Keys, nameof(Keys), TensorDType.Int64), (Weights, nameof(Weights), TensorDType.Float32));
    }
}
