namespace SpeedyZero.Core.Segments;

/// <summary>
/// How trajectories are cut into segments (ALGORITHM.md section 5). Immutable; <see cref="Default"/>
/// is the EfficientZero setting.
/// </summary>
public sealed record SegmentOptions
{
    /// <summary>The EfficientZero setting: 400 positions, unroll 5, 5-step values, no frame history.</summary>
    public static SegmentOptions Default { get; } = new();

    /// <summary>Sample positions a segment owns (its transitions in the priority index).</summary>
    public int Length { get; init; } = 400;

    /// <summary>Unroll steps K of training; targets reach K steps past a position.</summary>
    public int UnrollSteps { get; init; } = 5;

    /// <summary>Longest n-step value horizon; bootstraps reach this far past an unrolled step.</summary>
    public int TdSteps { get; init; } = 5;

    /// <summary>Observations kept before the first position, for frame stacking (stack size - 1).</summary>
    public int HistoryFrames { get; init; }

    /// <summary>Steps past the last position a segment carries so targets can cross its end: K + n.</summary>
    public int Padding => UnrollSteps + TdSteps;

    /// <summary>Throws naming the first field out of range; returns this for chaining.</summary>
    public SegmentOptions Validate()
    {
        if (Length < 1) throw new ArgumentOutOfRangeException(nameof(Length), Length, "must be at least 1");
        if (UnrollSteps < 0) throw new ArgumentOutOfRangeException(nameof(UnrollSteps), UnrollSteps, "must be non-negative");
        if (TdSteps < 1) throw new ArgumentOutOfRangeException(nameof(TdSteps), TdSteps, "must be at least 1");
        if (HistoryFrames < 0) throw new ArgumentOutOfRangeException(nameof(HistoryFrames), HistoryFrames, "must be non-negative");
        return this;
    }
}
