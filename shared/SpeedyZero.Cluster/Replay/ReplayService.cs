using SpeedyZero.Core.Replay;
using System.Diagnostics;
using NATS.Client.Core;
using Prometheus;
using SpeedyZero.Cluster.Channels;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Cluster.Hosting;

namespace SpeedyZero.Cluster.Replay;

/// <summary>
/// The replay role: stores segments from the durable consumer (ack only after the Redis
/// transaction), answers sample / status / sweep requests over NATS request/reply and applies the
/// priority updates published to it. Everything is served in a queue group, so a second replay
/// never double-serves (the deployment runs one).
/// </summary>
public sealed class ReplayService
{
    public const string QueueGroup = "replay";
    private readonly ClusterContext context;
    private readonly RedisReplayStore store;
    private readonly Counter stored;
    private readonly Counter duplicates;
    private readonly Counter evicted;
    private readonly Counter samples;
    private readonly Histogram sampleDuration;
    private readonly Counter priorityUpdates;
    private readonly Gauge transitions;
    private readonly Gauge segmentCount;

    public ReplayService(ClusterContext context, RedisReplayStore store)
    {
        this.context = context;
        this.store = store;
        var m = context.Metrics;
        stored = m.CreateCounter("speedyzero_segments_stored_total", "Segments made durable in Redis and then acked on JetStream.");
        duplicates = m.CreateCounter("speedyzero_segments_duplicate_total", "Segments received again and not stored twice.");
        evicted = m.CreateCounter("speedyzero_segments_evicted_total", "Segments deleted (index and Redis) past capacity.");
        transitions = m.CreateGauge("speedyzero_replay_transitions", "Transitions in the buffer.");
        segmentCount = m.CreateGauge("speedyzero_replay_segments", "Segments in the buffer.");
        m.CreateGauge("speedyzero_replay_capacity_transitions", "Configured capacity, in transitions.").Set(store.Capacity);
        samples = m.CreateCounter("speedyzero_replay_samples_total", "Positions sampled and served to reanalyzers.");
        sampleDuration = m.CreateHistogram("speedyzero_replay_sample_duration_seconds", "Time to serve one sample request.",
            new HistogramConfiguration { Buckets = MetricBuckets.Seconds });
        priorityUpdates = m.CreateCounter("speedyzero_priority_updates_total", "Priorities written into the index.", ["source"]);
        priorityUpdates.WithLabels("learner");
        priorityUpdates.WithLabels("refresh");
        UpdateGauges();
    }

    /// <summary>
    /// Serves until <paramref name="cancellationToken"/> fires; ingestion, request and update loops
    /// run side by side. <paramref name="subscribed"/> runs once every subject has its subscription.
    /// </summary>
    public async Task RunAsync(JetStreamSegmentSource source, Func<CancellationToken, Task> subscribed, CancellationToken cancellationToken)
    {
        var names = context.Names;
        var loops = new List<Task> { IngestAsync(source, cancellationToken) };
        foreach (var subject in new[] { names.ReplaySample, names.ReplayStatus, names.ReplaySweep })
        {
            loops.Add(ServeAsync(subject, await SubscribeAsync(subject, cancellationToken), cancellationToken));
        }

        foreach (var prioritySource in new[] { "learner", "refresh" })
        {
            var subject = names.ReplayPriorities(prioritySource);
            loops.Add(UpdateAsync(subject, prioritySource, await SubscribeAsync(subject, cancellationToken), cancellationToken));
        }

        await subscribed(cancellationToken);

        // The first loop to fail (a Redis write failed: memory is ahead of Redis) ends the service.
        var first = await Task.WhenAny(loops);
        await first;
        await Task.WhenAll(loops);
    }

    private async Task<INatsSub<byte[]>> SubscribeAsync(string subject, CancellationToken cancellationToken)
    {
        context.DecodeErrors.Track(subject);
        return await context.Nats.SubscribeCoreAsync<byte[]>(subject, QueueGroup,
            opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 256 } }, cancellationToken: cancellationToken);
    }

    private async Task IngestAsync(JetStreamSegmentSource source, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var delivery in source.ReadAllAsync(cancellationToken))
            {
                var segment = delivery.Value;
                var segmentsBefore = store.Status.Segments;
                // The bytes the actor encoded go into Redis as they are.
                if (await store.AddAsync(segment.SegmentId, segment.Positions, segment.Encoded, CancellationToken.None))
                {
                    stored.Inc();
                    var dropped = segmentsBefore + 1 - store.Status.Segments;
                    if (dropped > 0) evicted.Inc(dropped);
                }
                else
                {
                    duplicates.Inc();
                }

                await delivery.AckAsync();
                UpdateGauges();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // draining: un-acked deliveries are redelivered to the next replay
        }
    }

    private async Task ServeAsync(string subject, INatsSub<byte[]> subscription, CancellationToken cancellationToken)
    {
        try
        {
            await using var _ = subscription;
            await foreach (var message in subscription.Msgs.ReadAllAsync(cancellationToken))
            {
                if (message.ReplyTo is null) continue;
                byte[] reply;
                try
                {
                    reply = Handle(subject, message.Data ?? []);
                }
                catch (FormatException e)
                {
                    context.DecodeErrors.Reject(subject, e);
                    reply = ErrorReply(subject, "malformed request: " + e.Message);
                }
                catch (InvalidOperationException e)
                {
                    reply = ErrorReply(subject, e.Message);
                }

                await message.ReplyAsync(reply, cancellationToken: cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task UpdateAsync(string subject, string label, INatsSub<byte[]> subscription, CancellationToken cancellationToken)
    {
        try
        {
            await using var _ = subscription;
            await foreach (var message in subscription.Msgs.ReadAllAsync(cancellationToken))
            {
                PriorityUpdate update;
                try
                {
                    update = Wire.Decode<PriorityUpdate>(message.Data ?? []);
                }
                catch (FormatException e)
                {
                    context.DecodeErrors.Reject(subject, e);
                    continue;
                }

                var updated = await store.UpdatePrioritiesAsync(update.Ids!.ToArray<long>(), update.Priorities!.ToArray<float>(), CancellationToken.None);
                priorityUpdates.WithLabels(label).Inc(updated);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private byte[] Handle(string subject, byte[] data)
    {
        var names = context.Names;
        if (subject == names.ReplaySample)
        {
            var started = Stopwatch.GetTimestamp();
            var request = Wire.Decode<SampleRequest>(data);
            var sample = store.Sample(request.Count, request.Beta);
            samples.Inc(request.Count);
            var reply = Wire.Encode(SampleReply.From(sample));
            sampleDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            return reply;
        }

        if (subject == names.ReplayStatus)
        {
            Wire.Decode<StatusRequest>(data);
            return Wire.Encode(StatusReply.From(store.Status));
        }

        var sweepRequest = Wire.Decode<SweepRequest>(data);
        return Wire.Encode(SweepReply.From(store.Sweep(sweepRequest.FromId, sweepRequest.Count)));
    }

    private byte[] ErrorReply(string subject, string error)
    {
        var names = context.Names;
        if (subject == names.ReplaySample) return Wire.Encode(new SampleReply { Error = error });
        if (subject == names.ReplayStatus) return Wire.Encode(new StatusReply { Error = error });
        return Wire.Encode(new SweepReply { Error = error });
    }

    private void UpdateGauges()
    {
        var status = store.Status;
        transitions.Set(status.Transitions);
        segmentCount.Set(status.Segments);
    }
}
