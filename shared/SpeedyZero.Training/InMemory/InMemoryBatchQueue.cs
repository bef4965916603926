using SpeedyZero.Engine;
using System.Threading.Channels;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Training.InMemory;

/// <summary>Training batches through a bounded in-process queue; the learner's taken batches go back to the publishers.</summary>
public sealed class InMemoryBatchQueue(int capacity, TrainBatchPool pool) : IBatchQueue
{
    private readonly Channel<TrainBatch> channel = Channel.CreateBounded<TrainBatch>(
        new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>The batches in circulation.</summary>
    public TrainBatchPool Pool => pool;

    public TrainBatch Rent() => pool.Rent();

    public ValueTask PublishAsync(TrainBatch batch, CancellationToken cancellationToken) =>
        channel.Writer.WriteAsync(batch, cancellationToken);

    public ValueTask<TrainBatch> TakeAsync(CancellationToken cancellationToken) =>
        channel.Reader.ReadAsync(cancellationToken);

    public void Return(TrainBatch batch) => pool.Return(batch);

    public int Count => channel.Reader.Count;
}
