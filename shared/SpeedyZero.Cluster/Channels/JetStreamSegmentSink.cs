using System.Globalization;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Prometheus;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Core.Segments;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// Actor side of the segment stream: publishes each segment as a <see cref="SegmentMessage"/>
/// with <c>Nats-Msg-Id</c> = segment id and returns once JetStream acknowledged it; a timeout or a
/// lost connection retries the same id, so the stream keeps one copy.
/// </summary>
public sealed class JetStreamSegmentSink(ClusterContext context, Func<long> weightsVersion) : ISegmentSink
{
    private readonly Counter published = context.Metrics.CreateCounter("speedyzero_segments_published_total",
        "Trajectory segments published to JetStream (acknowledged by the server).");
    private readonly Counter retries = context.Metrics.CreateCounter("speedyzero_segment_publish_retries_total",
        "Segment publishes retried after a timeout or a lost connection.");

    public async ValueTask PublishAsync(Segment segment, CancellationToken cancellationToken)
    {
        var data = Wire.Encode(new SegmentMessage
        {
            SegmentId = segment.Id,
            Incarnation = segment.Id >> SegmentIds.CounterBits,
            WeightsVersion = weightsVersion(),
            CreatedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Positions = segment.Positions,
            Encoded = SegmentCodec.Encode(segment),
        });
        var id = segment.Id.ToString(CultureInfo.InvariantCulture);
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var ack = await context.JetStream.PublishAsync(context.Names.SegmentSubject, data, opts: new NatsJSPubOpts { MsgId = id },
                    cancellationToken: cancellationToken);
                ack.EnsureSuccess();
                published.Inc();
                return;
            }
            catch (Exception e) when (e is NatsException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                retries.Inc();
                if (attempt % 20 == 0)
                {
                    context.Logger.LogWarning("Publishing segment {Segment} failed, retrying: {Error}", id, e.Message);
                }

                await context.RestoreStreamsAsync(cancellationToken);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
            }
        }
    }
}
