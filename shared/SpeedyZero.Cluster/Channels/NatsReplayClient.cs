using SpeedyZero.Core.Replay;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Core.Segments;
using SpeedyZero.Training.Channels;
using SpeedyZero.Cluster.Replay;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// Reanalyzer, refresh and learner side of the replay: sample / status / sweep as NATS requests
/// to the replay service (retried while it restarts); priority updates published without waiting
/// for the replay (a lost one is refreshed by the next sweep); a batch's segments read from Redis
/// in one MGET and kept in a bounded local cache (segments never change once stored).
/// </summary>
public sealed class NatsReplayClient(ClusterContext context, string prioritySource, int cacheSegments = 4096) : IReplayClient
{
    private readonly ConcurrentDictionary<long, Segment> cache = new();
    private readonly ConcurrentQueue<long> cacheOrder = new();
    private readonly string prioritySubject = context.Names.ReplayPriorities(prioritySource);

    public async ValueTask<ReplaySample> SampleAsync(int count, double beta, CancellationToken cancellationToken)
    {
        var sample = (await RequestAsync<SampleRequest, SampleReply>(context.Names.ReplaySample, new SampleRequest { Count = count, Beta = beta },
            r => r.Error, cancellationToken)).ToSample();
        if (sample.Ids.Length != count)
        {
            throw new FormatException($"replay answered {sample.Ids.Length} samples for {count}");
        }

        return sample;
    }

    public async ValueTask<Segment?[]> GetSegmentsAsync(IReadOnlyList<long> segmentIds, CancellationToken cancellationToken)
    {
        var segments = new Segment?[segmentIds.Count];
        var missing = new List<int>();
        for (var i = 0; i < segments.Length; i++)
        {
            if (cache.TryGetValue(segmentIds[i], out var cached)) segments[i] = cached;
            else missing.Add(i);
        }

        if (missing.Count == 0) return segments;
        var values = await ReadSegmentsAsync(missing.Select(i => segmentIds[i]).ToList(), cancellationToken);
        for (var j = 0; j < missing.Count; j++)
        {
            if (values[j] is not { } bytes) continue;
            var segment = SegmentCodec.Decode(bytes);
            segments[missing[j]] = segment;
            if (cache.TryAdd(segment.Id, segment))
            {
                cacheOrder.Enqueue(segment.Id);
                while (cache.Count > cacheSegments && cacheOrder.TryDequeue(out var oldest)) cache.TryRemove(oldest, out _);
            }
        }

        return segments;
    }

    // One MGET, retried while Redis is away (a restart pauses reanalysis instead of failing it).
    private async Task<byte[]?[]> ReadSegmentsAsync(List<long> segmentIds, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await context.RedisAsync(db => RedisReplayStore.ReadSegmentsAsync(db, context.Names, segmentIds, cancellationToken));
            }
            catch (StackExchange.Redis.RedisException e)
            {
                cancellationToken.ThrowIfCancellationRequested(); // failed because the role is stopping
                if (attempt % 20 == 0) context.Logger.LogWarning("Reading segments from Redis failed, retrying: {Error}", e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    public async ValueTask UpdatePrioritiesAsync(long[] ids, float[] priorities, CancellationToken cancellationToken)
    {
        var message = new PriorityUpdate { Ids = Tensor.From<long>(ids, ids.Length), Priorities = Tensor.From<float>(priorities, priorities.Length) };
        try
        {
            await context.Nats.PublishAsync(prioritySubject, Wire.Encode(message), cancellationToken: cancellationToken);
        }
        catch (NatsException e)
        {
            // Priorities are soft state: a lost update is recomputed by Priority Refresh.
            context.Logger.LogWarning("Publishing priorities failed, dropped: {Error}", e.Message);
        }
    }

    public async ValueTask<ReplayStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        return (await RequestAsync<StatusRequest, StatusReply>(context.Names.ReplayStatus, new StatusRequest(), r => r.Error, cancellationToken)).ToStatus();
    }

    public async ValueTask<ReplaySweep> SweepAsync(long fromId, int count, CancellationToken cancellationToken)
    {
        return (await RequestAsync<SweepRequest, SweepReply>(context.Names.ReplaySweep, new SweepRequest { FromId = fromId, Count = count },
            r => r.Error, cancellationToken)).ToSweep();
    }

    private async Task<TReply> RequestAsync<TRequest, TReply>(string subject, TRequest request, Func<TReply, string?> error, CancellationToken cancellationToken)
        where TRequest : class, IWireContract
        where TReply : class, IWireContract
    {
        var payload = Wire.Encode(request);
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 0; ; attempt++)
        {
            NatsMsg<byte[]> message;
            try
            {
                message = await context.Nats.RequestAsync<byte[], byte[]>(subject, payload,
                    replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(10) }, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (e is NatsException or TimeoutException)
            {
                cancellationToken.ThrowIfCancellationRequested(); // failed because the role is stopping
                // The replay is restarting (no responders) or busy: wait and ask again.
                if (attempt % 20 == 0) context.Logger.LogWarning("Replay request on {Subject} failed, retrying: {Error}", subject, e.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
                continue;
            }

            TReply reply;
            try
            {
                reply = Wire.Decode<TReply>(message.Data ?? []);
            }
            catch (FormatException e)
            {
                context.DecodeErrors.Reject(message.Subject, e);
                throw;
            }

            if (error(reply) is { } refused)
            {
                throw new InvalidOperationException($"replay refused {subject}: {refused}");
            }

            return reply;
        }
    }
}
