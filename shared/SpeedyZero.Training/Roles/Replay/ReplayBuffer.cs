using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Segments;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Training.Roles.Replay;

/// <summary>
/// The replay's state: segments by id and the priority index over their positions. Evicting
/// the oldest transitions (FIFO at capacity) drops a segment once none of its positions remain.
/// Thread-safe (one lock): ingestion, sampling, priority updates and sweeps come from different roles.
/// </summary>
public sealed class ReplayBuffer
{
    private readonly Lock gate = new();
    private readonly PriorityIndex index;
    private readonly Dictionary<long, Segment> segments = [];
    // Segments in arrival order with the id of their last transition, for eviction.
    private readonly Queue<(long SegmentId, long LastId)> order = new();
    private readonly Random random;
    private long duplicates;

    public ReplayBuffer(PriorityOptions options, int seed)
    {
        index = new PriorityIndex(options);
        random = new Random(seed);
    }

    private ReplayBuffer(PriorityIndex restored, int seed)
    {
        index = restored;
        random = new Random(seed);
    }

    /// <summary>Segments received again (redelivered) and ignored.</summary>
    public long Duplicates => Interlocked.Read(ref duplicates);

    public long Evictions
    {
        get { lock (gate) return index.Evictions; }
    }

    /// <summary>Adds a segment's positions at the current maximum priority; a segment already held is ignored.</summary>
    /// <returns>True when stored, false for a duplicate.</returns>
    public bool Add(Segment segment)
    {
        if (segment.Positions > TransitionKey.MaxPositions)
        {
            throw new ArgumentException($"segment {segment.Id} has {segment.Positions} positions; at most {TransitionKey.MaxPositions}", nameof(segment));
        }

        Span<long> keys = segment.Positions <= 1024 ? stackalloc long[segment.Positions] : new long[segment.Positions];
        for (var p = 0; p < keys.Length; p++)
        {
            keys[p] = TransitionKey.Of(segment.Id, p);
        }

        lock (gate)
        {
            if (!segments.TryAdd(segment.Id, segment))
            {
                Interlocked.Increment(ref duplicates);
                return false;
            }

            var first = index.AddRange(keys);
            order.Enqueue((segment.Id, first + keys.Length - 1));
            DropEvictedSegments();
            return true;
        }
    }

    public ReplaySample Sample(int count, double beta)
    {
        lock (gate) return ReplaySample.Draw(index, count, beta, random);
    }

    public Segment? GetSegment(long segmentId)
    {
        lock (gate)
        {
            return segments.GetValueOrDefault(segmentId);
        }
    }

    /// <returns>How many ids were still held and updated.</returns>
    public int UpdatePriorities(ReadOnlySpan<long> ids, ReadOnlySpan<float> priorities)
    {
        lock (gate)
        {
            return index.Update(ids, priorities);
        }
    }

    public ReplayStatus Status
    {
        get
        {
            lock (gate)
            {
                return new ReplayStatus(index.OldestId, index.NextId, segments.Count);
            }
        }
    }

    public ReplaySweep Sweep(long fromId, int count)
    {
        lock (gate)
        {
            var ids = new long[count];
            var keys = new long[count];
            var n = index.Sweep(fromId, ids, keys);
            return new ReplaySweep(ids[..n], keys[..n], index.NextId);
        }
    }

    /// <summary>A consistent copy of the whole state (segments and index) for a checkpoint.</summary>
    public ReplaySnapshot Snapshot()
    {
        lock (gate)
        {
            return new ReplaySnapshot(index.Dump(), order.Select(o => segments[o.SegmentId]).ToList());
        }
    }

    public static ReplayBuffer Restore(PriorityOptions options, ReplaySnapshot snapshot, int seed)
    {
        var buffer = new ReplayBuffer(PriorityIndex.Restore(options, snapshot.Index), seed);
        // The index knows ids by key; map each segment's last key back to its id in one pass.
        var idOfKey = new Dictionary<long, long>();
        for (var id = buffer.index.OldestId; id < buffer.index.NextId; id++)
        {
            if (buffer.index.TryGet(id, out var key, out _))
            {
                idOfKey[key] = id;
            }
        }

        foreach (var segment in snapshot.Segments)
        {
            var lastKey = TransitionKey.Of(segment.Id, segment.Positions - 1);
            if (idOfKey.TryGetValue(lastKey, out var lastId))
            {
                buffer.segments[segment.Id] = segment;
                buffer.order.Enqueue((segment.Id, lastId));
            }
        }

        return buffer;
    }

    private void DropEvictedSegments()
    {
        while (order.Count > 0 && order.Peek().LastId < index.OldestId)
        {
            segments.Remove(order.Dequeue().SegmentId);
        }
    }
}

/// <summary>The replay's state at one moment: the priority index and the segments it covers, oldest first.</summary>
public sealed record ReplaySnapshot(PriorityIndexState Index, IReadOnlyList<Segment> Segments);
