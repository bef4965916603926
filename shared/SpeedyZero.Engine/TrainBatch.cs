namespace SpeedyZero.Engine;

/// <summary>
/// One batch of unrolled samples for <see cref="EfficientZeroModel.TrainStep"/>, K = the model's
/// unroll. Every span is row-major by sample; steps past an episode's end have mask 0.
/// </summary>
public readonly ref struct TrainBatch
{
    /// <summary>Number of samples B (at least 2: batch normalisation).</summary>
    public int BatchSize { get; init; }

    /// <summary>[B, K+1, ObservationSize]: the (stacked) observation at steps 0..K.</summary>
    public ReadOnlySpan<float> Observations { get; init; }

    /// <summary>[B, K]: the action taken at steps 0..K-1.</summary>
    public ReadOnlySpan<int> Actions { get; init; }

    /// <summary>
    /// [B, K+1]: 1 where step k has targets, else 0. Steps after a terminal state are absorbing
    /// and keep mask 1 (value target 0, constant value prefix, all-zero policy so no policy
    /// loss); steps after a truncation have no known targets and get 0. Value, policy and
    /// consistency at step k use mask k; the value prefix at step k uses mask k-1.
    /// </summary>
    public ReadOnlySpan<float> Masks { get; init; }

    /// <summary>[B, K]: value-prefix target (scalar) at steps 1..K.</summary>
    public ReadOnlySpan<float> TargetValuePrefix { get; init; }

    /// <summary>[B, K+1]: value target (scalar) at steps 0..K.</summary>
    public ReadOnlySpan<float> TargetValue { get; init; }

    /// <summary>[B, K+1, ActionCount]: search visit distribution at steps 0..K.</summary>
    public ReadOnlySpan<float> TargetPolicy { get; init; }

    /// <summary>[B]: importance weights.</summary>
    public ReadOnlySpan<float> Weights { get; init; }
}
