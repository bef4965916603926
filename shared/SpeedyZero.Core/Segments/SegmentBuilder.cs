using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Segments;

/// <summary>
/// Cuts one environment's stream of steps into segments. A segment of <c>Length</c> positions is
/// ready once <c>Padding</c> more steps are known; consecutive segments start <c>Length</c>
/// apart, so each position belongs to exactly one segment while padding overlaps the next.
/// At the end of an episode the rest is flushed as shorter segments that end with the final
/// observation. One builder per environment; finished segments queue until taken.
/// </summary>
public sealed class SegmentBuilder
{
    private readonly SegmentOptions options;
    private readonly ObservationEncoding encoding;
    private readonly int observationSize;
    private readonly int actionCount;
    private readonly Func<long> nextId;
    private readonly Queue<Segment> ready = new();

    // Rolling window of the current episode from step `windowStart`: observations [count + 1]
    // (already encoded, so a value the encoding cannot hold fails at once), the rest [count].
    private readonly int bytesPer;
    private byte[] observations;
    private int[] actions;
    private float[] rewards;
    private float[] rootValues;
    private float[] policies;
    private long windowStart;
    private int count;
    private long nextPosition;
    private bool inEpisode;

    /// <param name="options">Segment length, unroll and horizon (padding), history frames.</param>
    /// <param name="encoding">How observations are stored.</param>
    /// <param name="observationSize">Floats per observation.</param>
    /// <param name="actionCount">Actions of the environment.</param>
    /// <param name="nextId">Source of unique segment ids (for example run id and a counter).</param>
    public SegmentBuilder(SegmentOptions options, ObservationEncoding encoding, int observationSize, int actionCount, Func<long> nextId)
    {
        this.options = options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(observationSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(actionCount, 1);
        bytesPer = ObservationCodec.EncodedSize(encoding, observationSize);
        this.encoding = encoding;
        this.observationSize = observationSize;
        this.actionCount = actionCount;
        this.nextId = nextId ?? throw new ArgumentNullException(nameof(nextId));
        var steps = options.HistoryFrames + options.Length + options.Padding + 1;
        observations = new byte[steps * bytesPer];
        actions = new int[steps];
        rewards = new float[steps];
        rootValues = new float[steps];
        policies = new float[steps * actionCount];
    }

    /// <summary>Finished segments waiting to be taken.</summary>
    public int ReadyCount => ready.Count;

    /// <summary>Takes the oldest finished segment, if any.</summary>
    public bool TryTake(out Segment segment) => ready.TryDequeue(out segment!);

    /// <summary>Starts an episode with its first observation. History frames before it repeat it.</summary>
    public void BeginEpisode(ReadOnlySpan<float> firstObservation)
    {
        if (inEpisode) throw new InvalidOperationException("an episode is in progress; end it first");
        CheckObservation(firstObservation);
        // History before step 0 repeats the first observation, as frame stacks do at a reset.
        var history = options.HistoryFrames;
        ObservationCodec.Encode(encoding, firstObservation, observations.AsSpan(0, bytesPer));
        for (var h = 1; h <= history; h++)
        {
            observations.AsSpan(0, bytesPer).CopyTo(observations.AsSpan(h * bytesPer, bytesPer));
        }

        windowStart = -history;
        count = history;
        nextPosition = 0;
        inEpisode = true;
    }

    /// <summary>Records one step: the action taken at the latest observation, what search said there, and what followed.</summary>
    public void Append(int action, float reward, float rootValue, ReadOnlySpan<float> policy, ReadOnlySpan<float> nextObservation)
    {
        if (!inEpisode) throw new InvalidOperationException("no episode in progress; call BeginEpisode");
        if ((uint)action >= (uint)actionCount) throw new ArgumentOutOfRangeException(nameof(action), action, $"must be in [0, {actionCount})");
        if (policy.Length != actionCount) throw new ArgumentException($"policy holds {policy.Length} values, expected {actionCount}", nameof(policy));
        CheckObservation(nextObservation);
        EnsureRoom(count + 2);
        ObservationCodec.Encode(encoding, nextObservation, observations.AsSpan((count + 1) * bytesPer, bytesPer));
        actions[count] = action;
        rewards[count] = reward;
        rootValues[count] = rootValue;
        policy.CopyTo(policies.AsSpan(count * actionCount, actionCount));
        count++;

        // A full segment: Length positions from nextPosition plus Padding steps after them.
        var needed = nextPosition + options.Length + options.Padding;
        if (windowStart + count >= needed)
        {
            Emit(options.Length, options.Length + options.Padding, EpisodeEnd.None);
            nextPosition += options.Length;
            DropBefore(nextPosition - options.HistoryFrames);
        }
    }

    /// <summary>Ends the episode after the last <see cref="Append"/>; flushes the positions not yet in a segment.</summary>
    public void EndEpisode(EpisodeEnd end)
    {
        if (!inEpisode) throw new InvalidOperationException("no episode in progress");
        if (end == EpisodeEnd.None) throw new ArgumentException("an ended episode is Terminal or Truncated", nameof(end));
        var total = windowStart + count; // transitions in the episode
        while (nextPosition < total)
        {
            var remaining = (int)(total - nextPosition);
            Emit(Math.Min(options.Length, remaining), remaining, end);
            nextPosition += options.Length;
        }

        inEpisode = false;
        count = 0;
    }

    private void Emit(int positions, int transitions, EpisodeEnd end)
    {
        var history = options.HistoryFrames;
        var first = (int)(nextPosition - windowStart); // window index of step 0
        var steps = transitions + (end == EpisodeEnd.None ? 0 : 1);
        var encoded = observations.AsSpan((first - history) * bytesPer, (history + steps) * bytesPer).ToArray();

        ready.Enqueue(new Segment(nextId(), encoding, observationSize, actionCount, history, positions, end, encoded,
            actions.AsSpan(first, transitions).ToArray(),
            rewards.AsSpan(first, transitions).ToArray(),
            rootValues.AsSpan(first, transitions).ToArray(),
            policies.AsSpan(first * actionCount, transitions * actionCount).ToArray()));
    }

    private void DropBefore(long step)
    {
        var drop = (int)(step - windowStart);
        if (drop <= 0) return;
        var keep = count - drop;
        Array.Copy(observations, drop * bytesPer, observations, 0, (keep + 1) * bytesPer);
        Array.Copy(actions, drop, actions, 0, keep);
        Array.Copy(rewards, drop, rewards, 0, keep);
        Array.Copy(rootValues, drop, rootValues, 0, keep);
        Array.Copy(policies, drop * actionCount, policies, 0, keep * actionCount);
        windowStart = step;
        count = keep;
    }

    private void EnsureRoom(int steps)
    {
        if (steps <= actions.Length) return;
        var grown = Math.Max(steps, actions.Length * 2);
        Array.Resize(ref observations, grown * bytesPer);
        Array.Resize(ref actions, grown);
        Array.Resize(ref rewards, grown);
        Array.Resize(ref rootValues, grown);
        Array.Resize(ref policies, grown * actionCount);
    }

    private void CheckObservation(ReadOnlySpan<float> observation)
    {
        if (observation.Length != observationSize) throw new ArgumentException($"observation holds {observation.Length} floats, expected {observationSize}", nameof(observation));
    }
}
