namespace SpeedyZero.Core.Replay;

/// <summary>
/// Prioritised replay settings (ALGORITHM.md section 5). Immutable; <see cref="Default"/> is the
/// EfficientZero setting with a one-million-transition buffer.
/// </summary>
public sealed record PriorityOptions
{
    /// <summary>EfficientZero: alpha 0.6, beta 0.4 -> 1.0, one million transitions.</summary>
    public static PriorityOptions Default { get; } = new();

    /// <summary>Transitions held; adding past it evicts the oldest (FIFO).</summary>
    public int Capacity { get; init; } = 1_000_000;

    /// <summary>Sampling probability exponent: P(i) = p_i^alpha / sum p^alpha (0 is uniform).</summary>
    public double Alpha { get; init; } = 0.6;

    /// <summary>Importance-weight exponent at the start of training.</summary>
    public double BetaStart { get; init; } = 0.4;

    /// <summary>Importance-weight exponent at the end of training (annealed linearly).</summary>
    public double BetaEnd { get; init; } = 1.0;

    /// <summary>Priority of new data before any priority has been written.</summary>
    public float InitialMaxPriority { get; init; } = 1f;

    /// <summary>Beta at training progress <paramref name="progress"/> in [0, 1] (clamped).</summary>
    public double Beta(double progress) => BetaStart + (BetaEnd - BetaStart) * Math.Clamp(progress, 0.0, 1.0);

    /// <summary>Throws naming the first field out of range; returns this for chaining.</summary>
    public PriorityOptions Validate()
    {
        if (Capacity < 1) throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "must be at least 1");
        if (!(Alpha >= 0)) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "must be non-negative");
        if (!(BetaStart >= 0)) throw new ArgumentOutOfRangeException(nameof(BetaStart), BetaStart, "must be non-negative");
        if (!(BetaEnd >= 0)) throw new ArgumentOutOfRangeException(nameof(BetaEnd), BetaEnd, "must be non-negative");
        if (!(InitialMaxPriority > 0) || float.IsInfinity(InitialMaxPriority)) throw new ArgumentOutOfRangeException(nameof(InitialMaxPriority), InitialMaxPriority, "must be positive and finite");
        return this;
    }
}
