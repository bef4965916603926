using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Segments;

namespace SpeedyZero.Training.Channels;

/// <summary>What reanalyzers, the refresh worker and the learner ask of the replay.</summary>
public interface IReplayClient
{
    /// <summary>Draws <paramref name="count"/> distinct transitions by priority, with importance weights.</summary>
    ValueTask<ReplaySample> SampleAsync(int count, double beta, CancellationToken cancellationToken);

    /// <summary>
    /// The segments by id, in the order asked, in one request: null for one evicted (or never stored).
    /// A batch asks for all its distinct segments at once.
    /// </summary>
    ValueTask<Segment?[]> GetSegmentsAsync(IReadOnlyList<long> segmentIds, CancellationToken cancellationToken);

    /// <summary>
    /// New priorities for transitions by id; ids evicted meanwhile are ignored. The arrays are read
    /// before the returned task completes, so the caller may refill them afterwards.
    /// </summary>
    ValueTask UpdatePrioritiesAsync(long[] ids, float[] priorities, CancellationToken cancellationToken);

    /// <summary>How much is stored and how much was ever added.</summary>
    ValueTask<ReplayStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="count"/> stored transitions from id <paramref name="fromId"/> on, in id order (Priority Refresh sweeps).</summary>
    ValueTask<ReplaySweep> SweepAsync(long fromId, int count, CancellationToken cancellationToken);
}

/// <summary>Segment look-ups shaped for a batch.</summary>
public static class ReplayClientExtensions
{
    /// <summary>
    /// The segment of each transition key (null where evicted), with one request for the distinct
    /// segments: <c>result[i]</c> holds the segment of <c>keys[i]</c>.
    /// </summary>
    public static async ValueTask<Segment?[]> GetSegmentsOfKeysAsync(this IReplayClient replay, IReadOnlyList<long> keys, CancellationToken cancellationToken)
    {
        var distinct = new List<long>();
        var slots = new Dictionary<long, int>();
        var slotOfKey = new int[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            var segmentId = TransitionKey.SegmentOf(keys[i]);
            if (!slots.TryGetValue(segmentId, out var slot))
            {
                slot = distinct.Count;
                slots.Add(segmentId, slot);
                distinct.Add(segmentId);
            }

            slotOfKey[i] = slot;
        }

        var segments = await replay.GetSegmentsAsync(distinct, cancellationToken);
        if (segments.Length != distinct.Count)
        {
            throw new InvalidOperationException($"replay answered {segments.Length} segments for {distinct.Count}");
        }

        var result = new Segment?[keys.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = segments[slotOfKey[i]];
        }

        return result;
    }
}
