using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Prometheus;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Core.Segments;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// Actor side of the segment stream. The actor's thread hands each segment, encoded as a
/// <see cref="SegmentMessage"/>, to a bounded queue and goes on playing (it waits only while
/// <see cref="Capacity"/> segments are unsent); one sender publishes them with
/// <c>Nats-Msg-Id</c> = segment id and counts a segment published once JetStream acknowledged
/// it. A timeout or a lost connection retries the same id, so the stream keeps one copy.
/// <see cref="DisposeAsync"/> sends what is queued before it returns.
/// </summary>
public sealed class JetStreamSegmentSink : ISegmentSink, IAsyncDisposable
{
    /// <summary>Segments queued and not yet acknowledged before the actor waits.</summary>
    public const int Capacity = 64;

    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(15);
    private readonly ClusterContext context;
    private readonly Func<long> weightsVersion;
    private readonly Channel<(long Id, byte[] Data)> queue =
        Channel.CreateBounded<(long, byte[])>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource stop = new();
    private readonly Task sender;
    private readonly Counter published;
    private readonly Counter retries;

    public JetStreamSegmentSink(ClusterContext context, Func<long> weightsVersion)
    {
        this.context = context;
        this.weightsVersion = weightsVersion;
        published = context.Metrics.CreateCounter("speedyzero_segments_published_total",
            "Trajectory segments published to JetStream (acknowledged by the server).");
        retries = context.Metrics.CreateCounter("speedyzero_segment_publish_retries_total",
            "Segment publishes retried after a timeout or a lost connection.");
        sender = Task.Run(SendAllAsync, CancellationToken.None);
    }

    public ValueTask PublishAsync(Segment segment, CancellationToken cancellationToken)
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
        return queue.Writer.WriteAsync((segment.Id, data), cancellationToken);
    }

    private async Task SendAllAsync()
    {
        try
        {
            await foreach (var (id, data) in queue.Reader.ReadAllAsync(stop.Token))
            {
                await SendAsync(id, data, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // disposed with segments unsent: never acknowledged, so never counted as published
        }
    }

    private async Task SendAsync(long segmentId, byte[] data, CancellationToken cancellationToken)
    {
        var id = segmentId.ToString(CultureInfo.InvariantCulture);
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
            catch (NatsException e)
            {
                cancellationToken.ThrowIfCancellationRequested(); // an answer to a publish sent before the stop
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

    /// <summary>Sends the queued segments (for at most 15 s), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        if (await Task.WhenAny(sender, Task.Delay(FlushTimeout)) != sender)
        {
            context.Logger.LogWarning("Segments still unsent after {Seconds} s are dropped (never acknowledged)", FlushTimeout.TotalSeconds);
            await stop.CancelAsync();
        }

        await sender;
        stop.Dispose();
    }
}
