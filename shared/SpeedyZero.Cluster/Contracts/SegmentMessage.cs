using MessagePack;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>Actor to replay on <c>sz.segments</c>: one finished segment as its SegmentCodec bytes, which the replay stores in Redis unchanged.</summary>
[MessagePackObject]
public sealed record SegmentMessage : IWireContract
{
    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>The segment's id (unique across the run; the replay's dedup key).</summary>
    [Key(1)]
    public long SegmentId { get; init; }

    /// <summary>The actor run id (incarnation) that produced the segment.</summary>
    [Key(2)]
    public long Incarnation { get; init; }

    /// <summary>Version of the self-play weights the actor acted with.</summary>
    [Key(3)]
    public long WeightsVersion { get; init; }

    /// <summary>When the actor sent it, Unix milliseconds.</summary>
    [Key(4)]
    public long CreatedAtMs { get; init; }

    /// <summary>Positions (transitions) in the segment, at least 1.</summary>
    [Key(5)]
    public int Positions { get; init; }

    /// <summary>The segment's SegmentCodec bytes, opaque here; never empty.</summary>
    [Key(6)]
    public required byte[] Encoded { get; init; }

    /// <inheritdoc/>
    public void Validate()
    {
        const string contract = nameof(SegmentMessage);
        if (Encoded is not { Length: > 0 }) throw ContractRules.Broken(contract, $"segment {SegmentId} has no encoded bytes");
        if (Positions < 1) throw ContractRules.Broken(contract, $"segment {SegmentId} has {Positions} positions; at least 1 expected");
    }
}
