using System.Runtime.CompilerServices;
using NATS.Client.JetStream;
using Prometheus;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Core.Segments;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// Replay side of the segment stream: the durable consumer's messages as deliveries whose ack is
/// the JetStream ack (sent by the replay once the segment is durable in Redis). A message is
/// checked (contract, then the segment bytes against its envelope) but its bytes are handed on
/// as received. A malformed message is counted, terminated (never redelivered) and skipped.
/// </summary>
public sealed class JetStreamSegmentSource(ClusterContext context)
{
    private readonly Counter.Child redeliveries = context.Metrics.CreateCounter("speedyzero_jetstream_redeliveries_total",
            "JetStream messages received with a delivery count above 1.", ["stream", "consumer"])
        .WithLabels(context.Names.SegmentStream, ClusterNames.ReplayConsumer);

    public async IAsyncEnumerable<Delivery<SegmentMessage>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subject = context.Names.SegmentSubject;
        context.DecodeErrors.Track(subject);
        var consumer = await context.JetStream.GetConsumerAsync(context.Names.SegmentStream, ClusterNames.ReplayConsumer, cancellationToken);
        await foreach (var message in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 64, Expires = TimeSpan.FromSeconds(10) },
                           cancellationToken: cancellationToken))
        {
            if (message.Metadata?.NumDelivered > 1) redeliveries.Inc();
            SegmentMessage segment;
            try
            {
                segment = Check(message.Data);
            }
            catch (FormatException e)
            {
                context.DecodeErrors.Reject(subject, e);
                await message.AckTerminateAsync(cancellationToken: cancellationToken);
                continue;
            }

            yield return new Delivery<SegmentMessage>(segment, () => message.AckAsync(cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>Decodes the contract and checks its segment bytes decode to the segment the envelope names.</summary>
    public static SegmentMessage Check(byte[]? data)
    {
        var message = Wire.Decode<SegmentMessage>(data ?? []);
        var status = SegmentCodec.TryDecode(message.Encoded, out var segment, out var offset, out var error);
        if (status != SegmentDecodeStatus.Ok || segment is null)
        {
            throw new FormatException($"segment {message.SegmentId}: {error} at byte {offset}");
        }

        if (segment.Id != message.SegmentId || segment.Positions != message.Positions)
        {
            throw new FormatException($"envelope says segment {message.SegmentId} with {message.Positions} positions; its bytes say {segment.Id} with {segment.Positions}");
        }

        return message;
    }
}
