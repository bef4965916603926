namespace SpeedyZero.Core.Targets;

/// <summary>
/// How training targets are computed (ALGORITHM.md sections 2 and 4). Immutable; <see cref="Default"/>
/// is the EfficientZero Atari setting.
/// </summary>
public sealed record TargetOptions
{
    /// <summary>The EfficientZero Atari setting.</summary>
    public static TargetOptions Default { get; } = new();

    /// <summary>Unroll steps K: targets for steps 0..K of each sample.</summary>
    public int UnrollSteps { get; init; } = 5;

    /// <summary>Longest n-step value horizon (the horizon of fresh data).</summary>
    public int TdSteps { get; init; } = 5;

    /// <summary>Discount per agent step (0.997 per frame, frame skip 4).</summary>
    public float Discount { get; init; } = (float)Math.Pow(0.997, 4);

    /// <summary>The value-prefix LSTM restarts every this many unroll steps; value-prefix targets restart with it.</summary>
    public int ValuePrefixHorizon { get; init; } = 5;

    /// <summary>Replace each reward by its sign before it enters any target (Atari).</summary>
    public bool ClipRewards { get; init; } = true;

    /// <summary>Shorten the value horizon for old data (off-policy correction); otherwise always <see cref="TdSteps"/>.</summary>
    public bool DynamicHorizon { get; init; } = true;

    /// <summary>Age, as a share of the run's total transitions, that costs one step of horizon.</summary>
    public double HorizonAgeFraction { get; init; } = 0.3;

    /// <summary>Throws naming the first field out of range; returns this for chaining.</summary>
    public TargetOptions Validate()
    {
        if (UnrollSteps < 0) throw new ArgumentOutOfRangeException(nameof(UnrollSteps), UnrollSteps, "must be non-negative");
        if (TdSteps < 1) throw new ArgumentOutOfRangeException(nameof(TdSteps), TdSteps, "must be at least 1");
        if (!(Discount > 0 && Discount <= 1)) throw new ArgumentOutOfRangeException(nameof(Discount), Discount, "must be in (0, 1]");
        if (ValuePrefixHorizon < 1) throw new ArgumentOutOfRangeException(nameof(ValuePrefixHorizon), ValuePrefixHorizon, "must be at least 1");
        if (!(HorizonAgeFraction > 0)) throw new ArgumentOutOfRangeException(nameof(HorizonAgeFraction), HorizonAgeFraction, "must be positive");
        return this;
    }
}
