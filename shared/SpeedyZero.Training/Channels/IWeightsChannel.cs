namespace SpeedyZero.Training.Channels;

/// <summary>
/// Learner to everyone else: versioned weights (the learner step that produced them).
/// Subscribers poll for a newer version; publishing never waits for them.
/// </summary>
public interface IWeightsChannel
{
    ValueTask PublishAsync(WeightsKind kind, long version, byte[] weights, CancellationToken cancellationToken);

    /// <summary>The latest weights if their version is newer than <paramref name="haveVersion"/>, else null.</summary>
    ValueTask<WeightsVersion?> GetNewerAsync(WeightsKind kind, long haveVersion, CancellationToken cancellationToken);
}

/// <summary>Weights bytes (engine export format) and their version.</summary>
public sealed record WeightsVersion(long Version, byte[] Weights);
