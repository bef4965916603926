using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SpeedyZero.Cluster.Wire;
using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Segments;
using SpeedyZero.Messaging.MessagePack;
using SpeedyZero.Messaging.MessagePack.Formatters;
using SpeedyZero.Messaging.Messages;
using SpeedyZero.Messaging.Nats;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// Reanalyzer, refresh and learner side of the replay: sample / status / sweep / priority updates
/// as NATS requests to the replay service (retried while it restarts), segments read straight from
/// Redis and kept in a bounded local cache (segments never change once stored).
/// </summary>
public sealed class NatsReplayClient(ClusterContext context, string prioritySource, int cacheSegments = 4096) : IReplayClient
{
    private readonly ConcurrentDictionary<long, Segment> cache = new();
    private readonly ConcurrentQueue<long> cacheOrder = new();

    public async ValueTask<ReplaySample> SampleAsync(int count, double beta, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(context.Names.ReplaySample, WireFields.Write(WireKind.SampleRequest, (2, count), (3, beta)),
            WireKind.SampleReply, cancellationToken);
        var ids = reply.Longs(2);
        var keys = reply.Longs(3);
        var weights = reply.Floats(4);
        if (ids.Length != count || keys.Length != count || weights.Length != count)
        {
            throw new FormatException($"replay answered {ids.Length} samples for {count}");
        }

        return new ReplaySample(ids, keys, weights, reply.Int(5));
    }

    public async ValueTask<Segment?[]> GetSegmentsAsync(IReadOnlyList<long> segmentIds, CancellationToken cancellationToken)
    {
        var segments = new Segment?[segmentIds.Count];
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = await GetSegmentAsync(segmentIds[i], cancellationToken);
        }

        return segments;
    }

    private async ValueTask<Segment?> GetSegmentAsync(long segmentId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(segmentId, out var cached)) return cached;
        var bytes = await context.RedisAsync(r => r.GetAsync(context.Names.SegmentKey(segmentId), cancellationToken));
        if (bytes is null) return null;
        var segment = SegmentCodec.Decode(bytes.Value.Span);
        if (cache.TryAdd(segmentId, segment))
        {
            cacheOrder.Enqueue(segmentId);
            while (cache.Count > cacheSegments && cacheOrder.TryDequeue(out var oldest)) cache.TryRemove(oldest, out _);
        }

        return segment;
    }

    public async ValueTask UpdatePrioritiesAsync(long[] ids, float[] priorities, CancellationToken cancellationToken)
    {
        var message = new PriorityUpdateMessage { Step = 0, Ids = ids, Priorities = priorities, CreatedAt = DateTimeOffset.UtcNow };
        await RequestAsync(context.Names.ReplayPriorities(prioritySource), MessagePackCodec.Serialize(message, PriorityUpdateMessageFormatter.Instance),
            WireKind.UpdateReply, cancellationToken);
    }

    public async ValueTask<ReplayStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(context.Names.ReplayStatus, WireFields.Write(WireKind.StatusRequest), WireKind.StatusReply, cancellationToken);
        return new ReplayStatus(reply.Int(2), reply.Int(3), (int)reply.Int(4));
    }

    public async ValueTask<ReplaySweep> SweepAsync(long fromId, int count, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(context.Names.ReplaySweep, WireFields.Write(WireKind.SweepRequest, (2, fromId), (3, count)),
            WireKind.SweepReply, cancellationToken);
        return new ReplaySweep(reply.Longs(2), reply.Longs(3), reply.Int(4));
    }

    private async Task<WireFields> RequestAsync(string subject, byte[] payload, WireKind expected, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 0; ; attempt++)
        {
            NatsMsg message;
            try
            {
                message = await context.Nats.RequestAsync(subject, payload, timeout: TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
            }
            catch (Exception e) when (e is NatsException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                // The replay is restarting (no responders) or busy: wait and ask again.
                if (attempt % 20 == 0) context.Logger.LogWarning("Replay request on {Subject} failed, retrying: {Error}", subject, e.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
                continue;
            }

            WireFields reply;
            try
            {
                reply = WireFields.Read(message.Data.Span, expected);
            }
            catch (FormatException e)
            {
                context.DecodeErrors.Reject(message.Subject, e);
                throw;
            }

            if (reply.Kind == WireKind.ErrorReply)
            {
                throw new InvalidOperationException($"replay refused {subject}: {reply.Text(2)}");
            }

            return reply;
        }
    }
}
