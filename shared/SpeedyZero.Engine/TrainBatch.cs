namespace SpeedyZero.Engine;

/// <summary>
/// One batch of B unrolled samples with their targets (K = unroll steps): what a reanalyzer
/// assembles, the batch queue carries, and <see cref="EfficientZeroModel.TrainStep"/> reads.
/// Every array is row-major by sample and allocated once here; steps past an episode's end have
/// mask 0.
/// </summary>
public sealed class TrainBatch
{
    public TrainBatch(int batchSize, int unroll, int observationSize, int actionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(unroll, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(observationSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(actionCount, 1);
        BatchSize = batchSize;
        Unroll = unroll;
        ObservationSize = observationSize;
        ActionCount = actionCount;
        Ids = new long[batchSize];
        Weights = new float[batchSize];
        Observations = new float[batchSize * (unroll + 1) * observationSize];
        Actions = new int[batchSize * unroll];
        Masks = new float[batchSize * (unroll + 1)];
        TargetValues = new float[batchSize * (unroll + 1)];
        TargetValuePrefixes = new float[batchSize * unroll];
        TargetPolicies = new float[batchSize * (unroll + 1) * actionCount];
    }

    /// <summary>Number of samples B (training needs at least 2: batch normalisation).</summary>
    public int BatchSize { get; }

    /// <summary>K, the unroll steps.</summary>
    public int Unroll { get; }

    /// <summary>Length of one (stacked) observation.</summary>
    public int ObservationSize { get; }

    public int ActionCount { get; }

    /// <summary>[B] replay ids, for the priority update; the engine does not read them.</summary>
    public long[] Ids { get; }

    /// <summary>[B] importance weights.</summary>
    public float[] Weights { get; }

    /// <summary>[B, K+1, ObservationSize]: the stacked observation at steps 0..K.</summary>
    public float[] Observations { get; }

    /// <summary>[B, K]: the action taken at steps 0..K-1.</summary>
    public int[] Actions { get; }

    /// <summary>
    /// [B, K+1]: 1 where step k has targets, else 0. Steps after a terminal state are absorbing
    /// and keep mask 1 (value target 0, constant value prefix, all-zero policy so no policy
    /// loss); steps after a truncation have no known targets and get 0. Value, policy and
    /// consistency at step k use mask k; the value prefix at step k uses mask k-1.
    /// </summary>
    public float[] Masks { get; }

    /// <summary>[B, K+1]: value target (scalar) at steps 0..K.</summary>
    public float[] TargetValues { get; }

    /// <summary>[B, K]: value-prefix target (scalar) at steps 1..K.</summary>
    public float[] TargetValuePrefixes { get; }

    /// <summary>[B, K+1, ActionCount]: search visit distribution at steps 0..K.</summary>
    public float[] TargetPolicies { get; }

    /// <summary>Version of the target network that computed the targets (for staleness metrics).</summary>
    public long TargetVersion { get; set; }

    /// <summary>Samples whose policy target came from a fresh search.</summary>
    public int FreshPolicies { get; set; }

    /// <summary>Zeroes every array and count: the batch is as new, for reuse.</summary>
    public void Clear()
    {
        Array.Clear(Ids);
        Array.Clear(Weights);
        Array.Clear(Observations);
        Array.Clear(Actions);
        Array.Clear(Masks);
        Array.Clear(TargetValues);
        Array.Clear(TargetValuePrefixes);
        Array.Clear(TargetPolicies);
        TargetVersion = 0;
        FreshPolicies = 0;
    }
}
