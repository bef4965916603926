using SpeedyZero.Engine;
using System.Threading.Channels;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Training.InMemory;

/// <summary>Training batches through a bounded in-process queue.</summary>
public sealed class InMemoryBatchQueue(int capacity) : IBatchQueue
{
    private readonly Channel<TrainBatch> channel = Channel.CreateBounded<TrainBatch>(
        new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });

    public ValueTask PublishAsync(TrainBatch batch, CancellationToken cancellationToken) =>
        channel.Writer.WriteAsync(batch, cancellationToken);

    public ValueTask<TrainBatch> TakeAsync(CancellationToken cancellationToken) =>
        channel.Reader.ReadAsync(cancellationToken);

    public int Count => channel.Reader.Count;
}
