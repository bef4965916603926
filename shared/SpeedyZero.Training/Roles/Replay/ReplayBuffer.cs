using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Segments;

namespace SpeedyZero.Training.Roles.Replay;

/// <summary>
/// The embedded replay: the shared <see cref="ReplayState"/> (index, eviction, sampling) plus the
/// segments it holds, in memory by id. A segment is stored before its positions can be sampled and
/// removed once the state evicts it. Thread-safe: ingestion, sampling, priority updates and sweeps
/// come from different roles.
/// </summary>
public sealed class ReplayBuffer
{
    // Guards the segments and makes state change + segment store one step for writers and snapshots.
    private readonly Lock gate = new();
    private readonly ReplayState state;
    private readonly Dictionary<long, Segment> segments = [];

    public ReplayBuffer(PriorityOptions options, int seed)
        : this(new ReplayState(options, seed))
    {
    }

    private ReplayBuffer(ReplayState state)
    {
        this.state = state;
    }

    /// <summary>Segments received again (redelivered) and ignored.</summary>
    public long Duplicates => state.Duplicates;

    /// <summary>Transitions evicted to make room.</summary>
    public long Evictions => state.Evictions;

    public ReplayStatus Status => state.Status;

    /// <summary>Adds a segment's positions at the current maximum priority; a segment already held is ignored.</summary>
    /// <returns>True when stored, false for a duplicate.</returns>
    public bool Add(Segment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        lock (gate)
        {
            // Stored first, so a position sampled right after the add finds its segment.
            var fresh = segments.TryAdd(segment.Id, segment);
            var addition = state.Add(segment.Id, segment.Positions);
            if (addition is null)
            {
                if (fresh) segments.Remove(segment.Id);
                return false;
            }

            foreach (var evicted in addition.EvictedSegments)
            {
                segments.Remove(evicted);
            }

            return true;
        }
    }

    public ReplaySample Sample(int count, double beta) => state.Sample(count, beta);

    /// <summary>The segments by id, in the order asked; null for one not held.</summary>
    public Segment?[] GetSegments(IReadOnlyList<long> segmentIds)
    {
        ArgumentNullException.ThrowIfNull(segmentIds);
        var found = new Segment?[segmentIds.Count];
        lock (gate)
        {
            for (var i = 0; i < found.Length; i++)
            {
                found[i] = segments.GetValueOrDefault(segmentIds[i]);
            }
        }

        return found;
    }

    /// <returns>How many ids were still held and updated.</returns>
    public int UpdatePriorities(ReadOnlySpan<long> ids, ReadOnlySpan<float> priorities) => state.UpdatePriorities(ids, priorities).Count;

    public ReplaySweep Sweep(long fromId, int count) => state.Sweep(fromId, count);

    /// <summary>A consistent copy of the whole state (index and segments, oldest first) for a checkpoint.</summary>
    /// <param name="reuse">The previous checkpoint's snapshot, done with: its index arrays are overwritten.</param>
    public ReplaySnapshot Snapshot(ReplaySnapshot? reuse = null)
    {
        lock (gate)
        {
            var dump = state.Dump(reuse?.Index);
            return new ReplaySnapshot(dump.Index, dump.Order.Select(o => segments[o.SegmentId]).ToList());
        }
    }

    /// <summary>
    /// The buffer <paramref name="snapshot"/> was taken of: the same index and segments. Segments are
    /// in arrival order and their transitions are consecutive ids ending at the index's newest, so each
    /// one's last transition id follows from the positions of the segments after it.
    /// </summary>
    /// <exception cref="InvalidDataException">The segments do not match the index.</exception>
    public static ReplayBuffer Restore(PriorityOptions options, ReplaySnapshot snapshot, int seed)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var order = new ReplayOrderEntry[snapshot.Segments.Count];
        var lastId = snapshot.Index.OldestId + snapshot.Index.Priorities.Length - 1;
        for (var i = order.Length - 1; i >= 0; i--)
        {
            var segment = snapshot.Segments[i];
            order[i] = new ReplayOrderEntry(segment.Id, lastId);
            lastId -= segment.Positions;
        }

        var buffer = new ReplayBuffer(ReplayState.Restore(options, new ReplayStateDump(snapshot.Index, order), seed));
        foreach (var segment in snapshot.Segments)
        {
            if (buffer.state.Holds(segment.Id))
            {
                buffer.segments[segment.Id] = segment;
            }
        }

        return buffer;
    }
}

/// <summary>The replay's state at one moment: the priority index and the segments it covers, oldest first.</summary>
public sealed record ReplaySnapshot(PriorityIndexState Index, IReadOnlyList<Segment> Segments);
