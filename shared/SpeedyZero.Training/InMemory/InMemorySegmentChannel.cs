using System.Runtime.CompilerServices;
using System.Threading.Channels;
using SpeedyZero.Core.Segments;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Training.InMemory;

/// <summary>Segments from actors to the replay through a bounded in-process queue (publishers wait when it is full).</summary>
public sealed class InMemorySegmentChannel(int capacity = 256) : ISegmentSink, ISegmentSource
{
    private readonly Channel<Segment> channel = Channel.CreateBounded<Segment>(
        new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    public ValueTask PublishAsync(Segment segment, CancellationToken cancellationToken) =>
        channel.Writer.WriteAsync(segment, cancellationToken);

    public async IAsyncEnumerable<Delivery<Segment>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var segment in channel.Reader.ReadAllAsync(cancellationToken))
        {
            yield return new Delivery<Segment>(segment);
        }
    }

    /// <summary>Segments waiting to be stored.</summary>
    public int Count => channel.Reader.Count;
}
