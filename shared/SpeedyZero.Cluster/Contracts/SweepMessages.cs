using MessagePack;
using SpeedyZero.Core.Replay;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>Priority Refresh to replay on <c>sz.replay.sweep</c> (request/reply): stored transitions from an id on, in id order.</summary>
[MessagePackObject]
public sealed record SweepRequest : IWireContract
{
    /// <summary>The most transitions one sweep may ask for.</summary>
    public const int MaxCount = 65536;

    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>First transition id wanted, never negative.</summary>
    [Key(1)]
    public long FromId { get; init; }

    /// <summary>At most this many transitions, 0..<see cref="MaxCount"/>.</summary>
    [Key(2)]
    public int Count { get; init; }

    /// <inheritdoc/>
    public void Validate()
    {
        if (FromId < 0) throw ContractRules.Broken(nameof(SweepRequest), $"from id {FromId} is negative");
        if (Count is < 0 or > MaxCount) throw ContractRules.Broken(nameof(SweepRequest), $"count {Count} is outside 0..{MaxCount}");
    }
}

/// <summary>Replay's answer to a <see cref="SweepRequest"/>: a page of stored transitions, or an error.</summary>
[MessagePackObject]
public sealed record SweepReply : IWireContract
{
    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>Why the replay could not answer; null when the page is there.</summary>
    [Key(1)]
    public string? Error { get; init; }

    /// <summary>Transition ids in increasing order, int64 [n].</summary>
    [Key(2)]
    public Tensor? Ids { get; init; }

    /// <summary>Keys locating the transitions, int64 [n].</summary>
    [Key(3)]
    public Tensor? Keys { get; init; }

    /// <summary>Transitions ever added when swept.</summary>
    [Key(4)]
    public long NextId { get; init; }

    /// <summary>The reply carrying <paramref name="sweep"/>.</summary>
    public static SweepReply From(ReplaySweep sweep) => new()
    {
        Ids = Tensor.From<long>(sweep.Ids, sweep.Ids.Length),
        Keys = Tensor.From<long>(sweep.Keys, sweep.Keys.Length),
        NextId = sweep.NextId,
    };

    /// <summary>The page; <see cref="InvalidOperationException"/> when the reply is an error.</summary>
    public ReplaySweep ToSweep()
    {
        if (Error is not null) throw new InvalidOperationException($"replay refused the sweep: {Error}");
        Validate();
        return new ReplaySweep(Ids!.ToArray<long>(), Keys!.ToArray<long>(), NextId);
    }

    /// <inheritdoc/>
    public void Validate()
    {
        if (Error is not null) return;
        ContractRules.Parallel(nameof(SweepReply), (Ids, nameof(Ids), TensorDType.Int64), (Keys, nameof(Keys), TensorDType.Int64));
    }
}
