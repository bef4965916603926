using SpeedyZero.Engine;

namespace SpeedyZero.Training.Channels;

/// <summary>
/// Reanalysers to learner. Bounded: publishing waits while it is full, so targets are never
/// computed far ahead of their use.
/// </summary>
public interface IBatchQueue
{
    ValueTask PublishAsync(TrainBatch batch, CancellationToken cancellationToken);

    ValueTask<TrainBatch> TakeAsync(CancellationToken cancellationToken);

    /// <summary>Batches waiting.</summary>
    int Count { get; }
}
