namespace SpeedyZero.Training.Channels;

/// <summary>
/// Reanalyser to learner: one batch of B unrolled samples with fresh targets, laid out as the
/// engine's train step reads them (K = unroll steps).
/// </summary>
public sealed class TrainingBatch
{
    public TrainingBatch(int batchSize, int unroll, int observationSize, int actionCount)
    {
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

    public int BatchSize { get; }
    public int Unroll { get; }
    public int ObservationSize { get; }
    public int ActionCount { get; }

    /// <summary>[B] replay ids, for priority updates.</summary>
    public long[] Ids { get; }

    /// <summary>[B] importance weights.</summary>
    public float[] Weights { get; }

    /// <summary>[B, K+1, ObservationSize] stacked observations.</summary>
    public float[] Observations { get; }

    /// <summary>[B, K] actions.</summary>
    public int[] Actions { get; }

    /// <summary>[B, K+1] target masks (see the engine's TrainBatch).</summary>
    public float[] Masks { get; }

    /// <summary>[B, K+1] value targets.</summary>
    public float[] TargetValues { get; }

    /// <summary>[B, K] value-prefix targets.</summary>
    public float[] TargetValuePrefixes { get; }

    /// <summary>[B, K+1, A] policy targets.</summary>
    public float[] TargetPolicies { get; }

    /// <summary>Version of the target network that computed the targets.</summary>
    public long TargetVersion { get; set; }

    /// <summary>Samples whose policy came from a fresh search.</summary>
    public int FreshPolicies { get; set; }
}
