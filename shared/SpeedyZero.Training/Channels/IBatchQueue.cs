using SpeedyZero.Engine;

namespace SpeedyZero.Training.Channels;

/// <summary>
/// Reanalysers to learner. Bounded: publishing waits while it is full, so targets are never
/// computed far ahead of their use. Batches circulate: a publisher fills one from <see cref="Rent"/>,
/// and the learner gives each taken batch back with <see cref="Return"/> when it is done with it.
/// </summary>
public interface IBatchQueue
{
    /// <summary>A zeroed batch to fill and publish (one given back earlier where there is one).</summary>
    TrainBatch Rent();

    /// <summary>Queues <paramref name="batch"/>; from then on it belongs to the queue and its taker.</summary>
    ValueTask PublishAsync(TrainBatch batch, CancellationToken cancellationToken);

    ValueTask<TrainBatch> TakeAsync(CancellationToken cancellationToken);

    /// <summary>Gives back a taken batch once it is trained on and its priorities are sent.</summary>
    void Return(TrainBatch batch);

    /// <summary>Batches waiting.</summary>
    int Count { get; }
}
