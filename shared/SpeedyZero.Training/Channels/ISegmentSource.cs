using SpeedyZero.Core.Segments;

namespace SpeedyZero.Training.Channels;

/// <summary>Replay's side of <see cref="ISegmentSink"/>: segments to store, each acknowledged once durable.</summary>
public interface ISegmentSource
{
    IAsyncEnumerable<Delivery<Segment>> ReadAllAsync(CancellationToken cancellationToken);
}

/// <summary>A received item and the acknowledgement to send once it has been handled.</summary>
public sealed class Delivery<T>(T value, Func<ValueTask>? ack = null)
{
    public T Value { get; } = value;

    public ValueTask AckAsync() => ack?.Invoke() ?? ValueTask.CompletedTask;
}
