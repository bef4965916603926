using SpeedyZero.Core.Segments;

namespace SpeedyZero.Training.Channels;

/// <summary>Actor to replay: finished segments. Returns once the segment is accepted for delivery.</summary>
public interface ISegmentSink
{
    ValueTask PublishAsync(Segment segment, CancellationToken cancellationToken);
}
