using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SpeedyZero.Cluster.Channels;
using SpeedyZero.Cluster.Wire;
using SpeedyZero.Core.Segments;
using SpeedyZero.Messaging.MessagePack;
using SpeedyZero.Messaging.MessagePack.Formatters;
using SpeedyZero.Messaging.Nats;
using SpeedyZero.Metrics;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Replay;

/// <summary>
/// The replay role: stores segments from the durable consumer (ack only after the Redis
/// transaction), and answers sample / status / sweep / priority-update requests over NATS
/// request/reply. Requests are served in a queue group, so a second replay never double-serves
/// (the deployment runs one).
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
        sampleDuration = m.CreateHistogram("speedyzero_replay_sample_duration_seconds", "Time to serve one sample request.", Buckets.DefaultSeconds);
        priorityUpdates = m.CreateCounter("speedyzero_priority_updates_total", "Priorities written into the index.", "source");
        priorityUpdates.WithLabels("learner");
        priorityUpdates.WithLabels("refresh");
        UpdateGauges();
    }

    /// <summary>
    /// Serves until <paramref name="cancellationToken"/> fires; ingestion and request loops run side by side.
    /// <paramref name="subscribed"/> runs once every request subject has its subscription.
    /// </summary>
    public async Task RunAsync(ISegmentSource source, Func<CancellationToken, Task> subscribed, CancellationToken cancellationToken)
    {
        var names = context.Names;
        var loops = new List<Task> { IngestAsync(source, cancellationToken) };
        foreach (var subject in new[] { names.ReplaySample, names.ReplayStatus, names.ReplaySweep, names.ReplayPriorities("learner"), names.ReplayPriorities("refresh") })
        {
            context.DecodeErrors.Track(subject);
            var subscription = await context.Nats.SubscribeAsync(subject, QueueGroup, capacity: 256, cancellationToken: cancellationToken);
            loops.Add(ServeAsync(subject, subscription, cancellationToken));
        }

        await subscribed(cancellationToken);

        // The first loop to fail (a Redis write failed: memory is ahead of Redis) ends the service.
        var first = await Task.WhenAny(loops);
        await first;
        await Task.WhenAll(loops);
    }

    private async Task IngestAsync(ISegmentSource source, CancellationToken cancellationToken)
    {
        var evictionsBefore = store.Evictions;
        try
        {
            await foreach (var delivery in source.ReadAllAsync(cancellationToken))
            {
                var segment = delivery.Value;
                var segmentsBefore = store.Status.Segments;
                if (await store.AddAsync(segment.Id, segment.Positions, SegmentCodec.Encode(segment), CancellationToken.None))
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

        _ = evictionsBefore;
    }

    private async Task ServeAsync(string subject, NatsSubscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in subscription.ReadAllAsync(cancellationToken))
            {
                if (message.ReplyTo is null) continue;
                byte[] reply;
                try
                {
                    reply = await HandleAsync(subject, message.Data, cancellationToken);
                }
                catch (FormatException e)
                {
                    context.DecodeErrors.Reject(subject, e);
                    reply = WireFields.Write(WireKind.ErrorReply, (2, "malformed request: " + e.Message));
                }
                catch (InvalidOperationException e)
                {
                    reply = WireFields.Write(WireKind.ErrorReply, (2, e.Message));
                }

                await message.ReplyAsync(reply, cancellationToken: cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task<byte[]> HandleAsync(string subject, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var names = context.Names;
        if (subject == names.ReplaySample)
        {
            var started = Stopwatch.GetTimestamp();
            var request = WireFields.Read(data.Span, WireKind.SampleRequest);
            var count = request.Int(2);
            var beta = request.Float(3);
            if (count is < 1 or > 65536 || beta is < 0 or > 1 || double.IsNaN(beta))
            {
                throw new FormatException($"sample request for {count} positions at beta {beta} is out of range");
            }

            var sample = store.Sample((int)count, beta);
            samples.Inc(count);
            var reply = WireFields.Write(WireKind.SampleReply, (2, sample.Ids), (3, sample.Keys), (4, sample.Weights), (5, sample.NextId));
            sampleDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            return reply;
        }

        if (subject == names.ReplayStatus)
        {
            WireFields.Read(data.Span, WireKind.StatusRequest);
            var status = store.Status;
            return WireFields.Write(WireKind.StatusReply, (2, status.OldestId), (3, status.NextId), (4, (long)status.Segments));
        }

        if (subject == names.ReplaySweep)
        {
            var request = WireFields.Read(data.Span, WireKind.SweepRequest);
            var count = request.Int(3);
            if (count is < 0 or > 65536) throw new FormatException($"sweep of {count} positions is out of range");
            var sweep = store.Sweep(request.Int(2), (int)count);
            return WireFields.Write(WireKind.SweepReply, (2, sweep.Ids), (3, sweep.Keys), (4, sweep.NextId));
        }

        var update = MessagePackCodec.Deserialize(data.Span, PriorityUpdateMessageFormatter.Instance);
        foreach (var p in update.Priorities)
        {
            if (!(p > 0) || float.IsInfinity(p)) throw new FormatException($"priority {p} is not finite and positive");
        }

        var updated = await store.UpdatePrioritiesAsync(update.Ids, update.Priorities, CancellationToken.None);
        priorityUpdates.WithLabels(subject == names.ReplayPriorities("refresh") ? "refresh" : "learner").Inc(updated);
        return WireFields.Write(WireKind.UpdateReply, (2, (long)updated));
    }

    private void UpdateGauges()
    {
        var status = store.Status;
        transitions.Set(status.Transitions);
        segmentCount.Set(status.Segments);
    }
}
