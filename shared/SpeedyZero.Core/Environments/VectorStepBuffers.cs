namespace SpeedyZero.Core.Environments;

/// <summary>
/// What a <see cref="VectorEnvironment"/> step writes, one row per instance, allocated once by
/// <see cref="VectorEnvironment.CreateBuffers"/> and reused for every step.
/// </summary>
public sealed class VectorStepBuffers
{
    public VectorStepBuffers(int count, int observationSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(observationSize);
        Count = count;
        ObservationSize = observationSize;
        Observations = new float[count * observationSize];
        FinalObservations = new float[count * observationSize];
        Rewards = new float[count];
        Ends = new EpisodeEnd[count];
        EpisodeReturns = new double[count];
        EpisodeLengths = new int[count];
    }

    public int Count { get; }

    public int ObservationSize { get; }

    /// <summary>[Count, ObservationSize]: the observation to act on next; for an instance whose
    /// episode just ended, the first observation of its new episode.</summary>
    public float[] Observations { get; }

    /// <summary>Reward of the last step, per instance.</summary>
    public float[] Rewards { get; }

    /// <summary>Whether and how each instance's episode ended on the last step.</summary>
    public EpisodeEnd[] Ends { get; }

    /// <summary>[Count, ObservationSize]: the last observation of an episode that just ended.
    /// Rows are written only where <see cref="Ends"/> is not None; other rows keep stale data.</summary>
    public float[] FinalObservations { get; }

    /// <summary>Undiscounted return of the episode that just ended (valid where <see cref="Ends"/> is not None).</summary>
    public double[] EpisodeReturns { get; }

    /// <summary>Steps of the episode that just ended (valid where <see cref="Ends"/> is not None).</summary>
    public int[] EpisodeLengths { get; }

    /// <summary>Row <paramref name="index"/> of <see cref="Observations"/>.</summary>
    public Span<float> Observation(int index) => Observations.AsSpan(index * ObservationSize, ObservationSize);

    /// <summary>Row <paramref name="index"/> of <see cref="FinalObservations"/>.</summary>
    public Span<float> FinalObservation(int index) => FinalObservations.AsSpan(index * ObservationSize, ObservationSize);
}
