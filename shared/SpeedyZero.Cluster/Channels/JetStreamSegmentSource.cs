using System.Runtime.CompilerServices;
using SpeedyZero.Cluster.Wire;
using SpeedyZero.Core.Segments;
using SpeedyZero.Messaging.JetStream;
using SpeedyZero.Metrics;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// Replay side of the segment stream: the durable consumer's messages as deliveries whose ack is
/// the JetStream ack (sent by the replay once the segment is durable in Redis). A malformed
/// message is counted, terminated (never redelivered) and skipped.
/// </summary>
public sealed class JetStreamSegmentSource(ClusterContext context) : ISegmentSource
{
    private readonly CounterSeries redeliveries = context.Metrics.CreateCounter("speedyzero_jetstream_redeliveries_total",
            "JetStream messages received with a delivery count above 1.", "stream", "consumer")
        .WithLabels(context.Names.SegmentStream, ClusterNames.ReplayConsumer);

    public async IAsyncEnumerable<Delivery<Segment>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subject = context.Names.SegmentSubject;
        context.DecodeErrors.Track(subject);
        await using var consumer = await context.JetStream.ConsumeAsync(context.Names.SegmentStream, ClusterNames.ReplayConsumer,
            new ConsumeOptions { MaxMessages = 64, Expires = TimeSpan.FromSeconds(10), IdleHeartbeat = TimeSpan.FromSeconds(2) }, cancellationToken);
        await foreach (var message in consumer.ReadAllAsync(cancellationToken))
        {
            if (message.Delivered > 1) redeliveries.Inc();
            Segment segment;
            try
            {
                segment = SegmentWire.Decode(message.Data.Span);
            }
            catch (FormatException e)
            {
                context.DecodeErrors.Reject(subject, e);
                await message.TermAsync(cancellationToken);
                continue;
            }

            yield return new Delivery<Segment>(segment, () => message.AckAsync(CancellationToken.None));
        }
    }
}
