namespace SpeedyZero.Core.Search;

/// <summary>
/// Settings of batched MCTS (ALGORITHM.md section 3). Immutable; <see cref="Default"/> is the
/// EfficientZero Atari setting. Per-call choices (root noise on or off, visit temperature) are
/// arguments of <see cref="BatchedSearch.Run"/>, not options.
/// </summary>
public sealed record SearchOptions
{
    /// <summary>The EfficientZero Atari setting.</summary>
    public static SearchOptions Default { get; } = new();

    /// <summary>Simulations per search; each one is exactly one batched recurrent inference.</summary>
    public int Simulations { get; init; } = 50;

    /// <summary>pUCT c1: base weight of the prior term.</summary>
    public float PbC1 { get; init; } = 1.25f;

    /// <summary>pUCT c2: parent visit scale at which the prior weight starts to grow (log term).</summary>
    public float PbC2 { get; init; } = 19652f;

    /// <summary>Discount per search edge (one agent step): 0.997 per frame with frame skip 4.</summary>
    public float Discount { get; init; } = (float)Math.Pow(0.997, 4);

    /// <summary>The value-prefix LSTM restarts at every search depth that is a multiple of this (root included).</summary>
    public int ValuePrefixHorizon { get; init; } = 5;

    /// <summary>Concentration of the Dirichlet noise mixed into root priors when noise is on.</summary>
    public float DirichletAlpha { get; init; } = 0.3f;

    /// <summary>Share of the noise in the noisy root prior: <c>(1 - f) * prior + f * noise</c>.</summary>
    public float DirichletFraction { get; init; } = 0.25f;

    /// <summary>Smallest divisor of min-max Q normalisation: a tree whose Q range is narrower divides by this.</summary>
    public float MinMaxFloor { get; init; } = 0.01f;

    /// <summary>pUCT scores closer than this to the best count as ties, broken at random.</summary>
    public float TieEpsilon { get; init; } = 1e-6f;

    /// <summary>Throws naming the first field out of range; returns this for chaining.</summary>
    public SearchOptions Validate()
    {
        if (Simulations < 1) throw new ArgumentOutOfRangeException(nameof(Simulations), Simulations, "must be at least 1");
        if (!(PbC1 >= 0)) throw new ArgumentOutOfRangeException(nameof(PbC1), PbC1, "must be non-negative");
        if (!(PbC2 > 0)) throw new ArgumentOutOfRangeException(nameof(PbC2), PbC2, "must be positive");
        if (!(Discount > 0 && Discount <= 1)) throw new ArgumentOutOfRangeException(nameof(Discount), Discount, "must be in (0, 1]");
        if (ValuePrefixHorizon < 1) throw new ArgumentOutOfRangeException(nameof(ValuePrefixHorizon), ValuePrefixHorizon, "must be at least 1");
        if (!(DirichletAlpha > 0)) throw new ArgumentOutOfRangeException(nameof(DirichletAlpha), DirichletAlpha, "must be positive");
        if (!(DirichletFraction >= 0 && DirichletFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(DirichletFraction), DirichletFraction, "must be in [0, 1]");
        if (!(MinMaxFloor > 0)) throw new ArgumentOutOfRangeException(nameof(MinMaxFloor), MinMaxFloor, "must be positive");
        if (!(TieEpsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(TieEpsilon), TieEpsilon, "must be non-negative");
        return this;
    }
}
