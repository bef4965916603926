namespace SpeedyZero.Training.Channels;

/// <summary>
/// Learner to everyone else: versioned weights (the learner step that produced them).
/// Subscribers poll for a newer version; publishing never waits for them. Neither side allocates
/// per version: the channel copies what it keeps, and readers see the bytes only while they read.
/// </summary>
public interface IWeightsChannel
{
    /// <summary>Publishes <paramref name="weights"/> (engine export format); the caller may reuse the buffer once this returns.</summary>
    ValueTask PublishAsync(WeightsKind kind, long version, ReadOnlyMemory<byte> weights, CancellationToken cancellationToken);

    /// <summary>
    /// Hands the latest weights to <paramref name="read"/> if their version is newer than
    /// <paramref name="haveVersion"/> and returns that version; null (and no call) otherwise.
    /// </summary>
    ValueTask<long?> ReadNewerAsync(WeightsKind kind, long haveVersion, WeightsReader read, CancellationToken cancellationToken);
}

/// <summary>Reads one version of the weights; the span is valid only during the call.</summary>
public delegate void WeightsReader(long version, ReadOnlySpan<byte> weights);
