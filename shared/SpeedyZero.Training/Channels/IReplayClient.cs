using SpeedyZero.Core.Replay;

namespace SpeedyZero.Training.Channels;

/// <summary>What reanalyzers, the refresh worker and the learner ask of the replay.</summary>
public interface IReplayClient
{
    /// <summary>Draws <paramref name="count"/> distinct transitions by priority, with importance weights.</summary>
    ValueTask<ReplaySample> SampleAsync(int count, double beta, CancellationToken cancellationToken);

    /// <summary>The segment, or null when it was evicted.</summary>
    ValueTask<Core.Segments.Segment?> GetSegmentAsync(long segmentId, CancellationToken cancellationToken);

    /// <summary>New priorities for transitions by id; ids evicted meanwhile are ignored.</summary>
    ValueTask UpdatePrioritiesAsync(long[] ids, float[] priorities, CancellationToken cancellationToken);

    /// <summary>How much is stored and how much was ever added.</summary>
    ValueTask<ReplayStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="count"/> stored transitions from id <paramref name="fromId"/> on, in id order (Priority Refresh sweeps).</summary>
    ValueTask<ReplaySweep> SweepAsync(long fromId, int count, CancellationToken cancellationToken);
}

/// <summary>Sampled transitions: ids for priority updates, keys locating them, normalised importance weights.</summary>
/// <param name="NextId">Transitions ever added when sampled (an item's age is NextId - id - 1).</param>
public sealed record ReplaySample(long[] Ids, long[] Keys, float[] Weights, long NextId)
{
    /// <summary>Draws <paramref name="count"/> distinct transitions from <paramref name="index"/> (the caller holds its lock).</summary>
    public static ReplaySample Draw(PriorityIndex index, int count, double beta, Random random)
    {
        if (index.Count < count)
        {
            throw new InvalidOperationException($"replay holds {index.Count} transitions; cannot draw {count} distinct ones");
        }

        var ids = new long[count];
        var keys = new long[count];
        var weights = new float[count];
        index.Sample(beta, random, ids, keys, weights);
        return new ReplaySample(ids, keys, weights, index.NextId);
    }
}

/// <summary>Replay size: transitions held, ids [OldestId, NextId), segments held.</summary>
public sealed record ReplayStatus(long OldestId, long NextId, int Segments)
{
    public long Transitions => NextId - OldestId;
}

/// <summary>A page of stored transitions in id order.</summary>
public sealed record ReplaySweep(long[] Ids, long[] Keys, long NextId);
