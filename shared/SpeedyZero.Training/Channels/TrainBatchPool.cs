using System.Collections.Concurrent;
using SpeedyZero.Engine;

namespace SpeedyZero.Training.Channels;

/// <summary>
/// The training batches of one shape that circulate between reanalyzers and the learner. A batch's
/// observations are past the .NET large-object threshold at MinAtar's sizes (64 x 6 x 400 floats); a new
/// batch per learner step churned the large-object heap, whose committed memory then crept up over a
/// long run. Thread-safe.
/// </summary>
public sealed class TrainBatchPool(int batchSize, int unroll, int observationSize, int actionCount)
{
    private readonly ConcurrentQueue<TrainBatch> free = new();
    private long created;

    /// <summary>Batches this pool has had to make; it stops growing once batches come back.</summary>
    public long Created => Interlocked.Read(ref created);

    /// <summary>A zeroed batch of this pool's shape: one given back earlier, else a new one.</summary>
    public TrainBatch Rent()
    {
        if (!free.TryDequeue(out var batch))
        {
            Interlocked.Increment(ref created);
            return new TrainBatch(batchSize, unroll, observationSize, actionCount);
        }

        batch.Clear();
        return batch;
    }

    /// <summary>Takes back a batch nobody reads any more, for a later <see cref="Rent"/>.</summary>
    public void Return(TrainBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.BatchSize != batchSize || batch.Unroll != unroll || batch.ObservationSize != observationSize || batch.ActionCount != actionCount)
        {
            throw new ArgumentException(
                $"a batch of shape B={batch.BatchSize}, K={batch.Unroll}, observation {batch.ObservationSize}, actions {batch.ActionCount} " +
                $"does not belong to this pool (B={batchSize}, K={unroll}, observation {observationSize}, actions {actionCount})", nameof(batch));
        }

        free.Enqueue(batch);
    }
}
