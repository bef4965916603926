namespace SpeedyZero.Core.Replay;

/// <summary>
/// The replay's state, the same in the embedded trainer and the replay service: the priority index
/// over every held transition, the held segment ids, their eviction order (segment id and last
/// transition id, oldest first) and the seeded randomness of sampling. A segment's positions enter
/// at the current maximum priority; at capacity the oldest transitions go (FIFO) and a segment goes
/// once none of its transitions remain. Each change returns what it changed, for a journal that
/// keeps a durable copy (<see cref="ReplayAddition"/>, <see cref="ReplayUpdate"/>). Holds no segment
/// data and does no I/O. Thread-safe (one lock): ingestion, sampling, priority updates and sweeps
/// come from different threads.
/// </summary>
public sealed class ReplayState
{
    private readonly Lock gate = new();
    private readonly PriorityIndex index;
    private readonly HashSet<long> held = [];
    private readonly Queue<ReplayOrderEntry> order = new();
    private readonly Random random;
    private long duplicates;

    public ReplayState(PriorityOptions options, int seed)
        : this(new PriorityIndex(options), seed)
    {
    }

    private ReplayState(PriorityIndex index, int seed)
    {
        this.index = index;
        random = new Random(seed);
    }

    /// <summary>Settings of the index.</summary>
    public PriorityOptions Options => index.Options;

    /// <summary>Transitions held at most.</summary>
    public int Capacity => index.Capacity;

    /// <summary>Segments offered again while held, and ignored.</summary>
    public long Duplicates => Interlocked.Read(ref duplicates);

    /// <summary>Transitions evicted to make room.</summary>
    public long Evictions
    {
        get { lock (gate) return index.Evictions; }
    }

    /// <summary>Sum of p^alpha over the held transitions.</summary>
    public double TotalMass
    {
        get { lock (gate) return index.TotalMass; }
    }

    public ReplayStatus Status
    {
        get { lock (gate) return new ReplayStatus(index.OldestId, index.NextId, held.Count); }
    }

    /// <summary>Whether segment <paramref name="segmentId"/> is held.</summary>
    public bool Holds(long segmentId)
    {
        lock (gate) return held.Contains(segmentId);
    }

    /// <summary>
    /// Adds segment <paramref name="segmentId"/>'s <paramref name="positions"/> transitions at the
    /// maximum priority, evicting the oldest at capacity. Returns null (and counts a duplicate) when
    /// the segment is held already.
    /// </summary>
    public ReplayAddition? Add(long segmentId, int positions)
    {
        if (positions is < 1 or > TransitionKey.MaxPositions)
        {
            throw new ArgumentOutOfRangeException(nameof(positions), positions, $"segment {segmentId} must have 1 to {TransitionKey.MaxPositions} positions");
        }

        Span<long> keys = positions <= 1024 ? stackalloc long[positions] : new long[positions];
        for (var p = 0; p < keys.Length; p++)
        {
            keys[p] = TransitionKey.Of(segmentId, p);
        }

        lock (gate)
        {
            if (!held.Add(segmentId))
            {
                Interlocked.Increment(ref duplicates);
                return null;
            }

            var oldestBefore = index.OldestId;
            var priority = index.MaxPriority;
            var first = index.AddRange(keys);
            var last = first + positions - 1;
            order.Enqueue(new ReplayOrderEntry(segmentId, last));
            List<long>? evicted = null;
            while (order.Peek().LastId < index.OldestId)
            {
                var gone = order.Dequeue().SegmentId;
                held.Remove(gone);
                (evicted ??= []).Add(gone);
            }

            return new ReplayAddition(segmentId, first, last, priority, evicted is null ? [] : [.. evicted], oldestBefore, Counters());
        }
    }

    /// <summary>Draws <paramref name="count"/> distinct transitions by priority, with importance weights.</summary>
    /// <exception cref="InvalidOperationException">Fewer than <paramref name="count"/> transitions are held.</exception>
    public ReplaySample Sample(int count, double beta)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var ids = new long[count];
        var keys = new long[count];
        var weights = new float[count];
        lock (gate)
        {
            if (index.Count < count)
            {
                throw new InvalidOperationException($"replay holds {index.Count} transitions; cannot draw {count} distinct ones");
            }

            index.Sample(beta, random, ids, keys, weights);
            return new ReplaySample(ids, keys, weights, index.NextId);
        }
    }

    /// <summary>
    /// Writes new priorities (finite, positive) for transitions by id; ids no longer held are skipped
    /// and counted as stale. Nothing changes when a priority is invalid.
    /// </summary>
    public ReplayUpdate UpdatePriorities(ReadOnlySpan<long> ids, ReadOnlySpan<float> priorities)
    {
        lock (gate)
        {
            var applied = index.Update(ids, priorities);
            var updatedIds = new long[applied];
            var updatedPriorities = new float[applied];
            var n = 0;
            for (var i = 0; i < ids.Length && n < applied; i++)
            {
                if (!index.Contains(ids[i])) continue;
                updatedIds[n] = ids[i];
                updatedPriorities[n++] = priorities[i];
            }

            return new ReplayUpdate(updatedIds, updatedPriorities, Counters());
        }
    }

    /// <summary>Up to <paramref name="count"/> held transitions from id <paramref name="fromId"/> on, in id order.</summary>
    public ReplaySweep Sweep(long fromId, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var ids = new long[count];
        var keys = new long[count];
        lock (gate)
        {
            var n = index.Sweep(fromId, ids, keys);
            return new ReplaySweep(ids[..n], keys[..n], index.NextId);
        }
    }

    /// <summary>A consistent copy of the persistent state (the randomness is not part of it).</summary>
    /// <param name="reuse">Index arrays to overwrite (see <see cref="PriorityIndex.Dump"/>).</param>
    public ReplayStateDump Dump(PriorityIndexState? reuse = null)
    {
        lock (gate) return new ReplayStateDump(index.Dump(reuse), [.. order]);
    }

    /// <summary>
    /// The state <paramref name="dump"/> describes: the same index (totals, capacity order, counters)
    /// and segments. With a smaller capacity than the dump holds, the oldest transitions are evicted
    /// and segments without any left are dropped.
    /// </summary>
    /// <exception cref="InvalidDataException">The order does not match the index.</exception>
    public static ReplayState Restore(PriorityOptions options, ReplayStateDump dump, int seed)
    {
        ArgumentNullException.ThrowIfNull(dump);
        var state = new ReplayState(PriorityIndex.Restore(options, dump.Index), seed);
        var index = state.index;
        var previous = long.MinValue;
        foreach (var entry in dump.Order)
        {
            if (entry.LastId <= previous || entry.LastId >= index.NextId)
            {
                throw new InvalidDataException($"replay order: segment {entry.SegmentId} ends at transition {entry.LastId}, after {previous}, below {index.NextId}");
            }

            // The segment's held transitions run from the one after the previous segment's last (or the oldest) to its last.
            var firstHeld = Math.Max(previous + 1, index.OldestId);
            previous = entry.LastId;
            if (entry.LastId < index.OldestId) continue;
            if (!index.TryGet(entry.LastId, out var key, out _) || TransitionKey.SegmentOf(key) != entry.SegmentId
                || !index.TryGet(firstHeld, out var firstKey, out _) || TransitionKey.SegmentOf(firstKey) != entry.SegmentId)
            {
                throw new InvalidDataException($"replay order: transitions {firstHeld} to {entry.LastId} are not segment {entry.SegmentId}'s");
            }

            if (!state.held.Add(entry.SegmentId))
            {
                throw new InvalidDataException($"replay order: segment {entry.SegmentId} appears twice");
            }

            state.order.Enqueue(entry);
        }

        if (index.Count > 0 && previous != index.NextId - 1)
        {
            throw new InvalidDataException($"replay order ends at transition {previous}; the index holds up to {index.NextId - 1}");
        }

        return state;
    }

    private ReplayCounters Counters() => new(index.OldestId, index.NextId, index.MaxPriority, index.StaleUpdates, index.Evictions);
}
