namespace SpeedyZero.Core.Replay;

/// <summary>Sampled transitions: ids for priority updates, keys locating them, normalised importance weights.</summary>
/// <param name="NextId">Transitions ever added when sampled (an item's age is NextId - id - 1).</param>
public sealed record ReplaySample(long[] Ids, long[] Keys, float[] Weights, long NextId);

/// <summary>Replay size: transitions held, ids [OldestId, NextId), segments held.</summary>
public sealed record ReplayStatus(long OldestId, long NextId, int Segments)
{
    public long Transitions => NextId - OldestId;
}

/// <summary>A page of stored transitions in id order.</summary>
public sealed record ReplaySweep(long[] Ids, long[] Keys, long NextId);

/// <summary>A held segment in eviction order: its id and the id of its last transition.</summary>
public readonly record struct ReplayOrderEntry(long SegmentId, long LastId);

/// <summary>The index's scalars after a change (what a journal keeps beside the priorities and keys).</summary>
public sealed record ReplayCounters(long OldestId, long NextId, float MaxPriority, long StaleUpdates, long Evictions);

/// <summary>
/// What adding a segment changed: its transitions got ids [<see cref="FirstId"/>, <see cref="LastId"/>]
/// with keys <c>TransitionKey.Of(SegmentId, id - FirstId)</c>, all at <see cref="Priority"/>; the
/// oldest transitions were evicted from <see cref="OldestIdBefore"/> up to <c>Counters.OldestId</c>,
/// and with them the segments in <see cref="EvictedSegments"/> (oldest first), none of whose
/// transitions remain.
/// </summary>
public sealed record ReplayAddition(long SegmentId, long FirstId, long LastId, float Priority, long[] EvictedSegments, long OldestIdBefore, ReplayCounters Counters)
{
    /// <summary>Transitions added.</summary>
    public int Positions => (int)(LastId - FirstId + 1);

    /// <summary>
    /// Chunks of <paramref name="chunkIds"/> consecutive ids (chunk c holds ids [c·chunkIds, (c+1)·chunkIds))
    /// that held transitions before this change and hold none now: [<c>First</c>, <c>End</c>).
    /// </summary>
    public (long First, long End) DroppedChunks(int chunkIds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkIds, 1);
        return (OldestIdBefore / chunkIds, Math.Max(OldestIdBefore / chunkIds, Counters.OldestId / chunkIds));
    }
}

/// <summary>
/// What a priority update changed: the ids still held, in the order given (an id given twice is
/// here twice, the later priority winning), with the priorities written.
/// </summary>
public sealed record ReplayUpdate(long[] Ids, float[] Priorities, ReplayCounters Counters)
{
    /// <summary>Priorities written.</summary>
    public int Count => Ids.Length;
}

/// <summary>A replay's whole persistent state: the priority index and the held segments in eviction order.</summary>
public sealed record ReplayStateDump(PriorityIndexState Index, ReplayOrderEntry[] Order);
