using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Segments;

/// <summary>
/// A piece of one episode: <see cref="Positions"/> sample positions plus the steps after them
/// that targets need (up to K + n), and <see cref="HistoryFrames"/> observations before them for
/// frame stacking. Step <c>j</c> holds observation <c>o_j</c> and, for <c>j &lt; Transitions</c>,
/// the action taken there, the reward received for it, the search root value and the search
/// policy. When the episode ends inside the segment, the final observation is the last step and
/// has no action. Observations are kept encoded (<see cref="Encoding"/>).
/// </summary>
public sealed class Segment
{
    private readonly byte[] observations;
    private readonly int[] actions;
    private readonly float[] rewards;
    private readonly float[] rootValues;
    private readonly float[] policies;

    /// <summary>Builds a segment from its parts, checking that the sizes agree. Arrays are kept, not copied.</summary>
    /// <param name="id">Unique id chosen by the producer.</param>
    /// <param name="encoding">How <paramref name="observations"/> is encoded.</param>
    /// <param name="observationSize">Floats per decoded observation.</param>
    /// <param name="actionCount">Actions of the environment (policy width).</param>
    /// <param name="historyFrames">Observations stored before step 0.</param>
    /// <param name="positions">Sample positions owned: steps [0, positions).</param>
    /// <param name="end">How the episode ends in this segment.</param>
    /// <param name="observations">Encoded observations of steps [-historyFrames, Steps).</param>
    /// <param name="actions">[Transitions] actions.</param>
    /// <param name="rewards">[Transitions] rewards.</param>
    /// <param name="rootValues">[Transitions] search root values.</param>
    /// <param name="policies">[Transitions, actionCount] search visit distributions.</param>
    public Segment(long id, ObservationEncoding encoding, int observationSize, int actionCount, int historyFrames, int positions,
        EpisodeEnd end, byte[] observations, int[] actions, float[] rewards, float[] rootValues, float[] policies)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(observationSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(actionCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(historyFrames);
        ArgumentOutOfRangeException.ThrowIfLessThan(positions, 1);
        if (end is not (EpisodeEnd.None or EpisodeEnd.Terminated or EpisodeEnd.Truncated)) throw new ArgumentOutOfRangeException(nameof(end), end, "unknown episode end");
        var transitions = actions.Length;
        if (positions > transitions) throw new ArgumentException($"{positions} positions but only {transitions} transitions", nameof(positions));
        if (rewards.Length != transitions || rootValues.Length != transitions) throw new ArgumentException("actions, rewards and root values differ in length");
        if (policies.Length != (long)transitions * actionCount) throw new ArgumentException($"policies hold {policies.Length} values, expected {transitions} x {actionCount}", nameof(policies));
        var steps = transitions + (end == EpisodeEnd.None ? 0 : 1);
        var bytesPerObservation = ObservationCodec.EncodedSize(encoding, observationSize);
        if (observations.Length != (long)(historyFrames + steps) * bytesPerObservation)
        {
            throw new ArgumentException($"observations hold {observations.Length} bytes, expected {historyFrames + steps} x {bytesPerObservation}", nameof(observations));
        }

        foreach (var a in actions)
        {
            if ((uint)a >= (uint)actionCount) throw new ArgumentOutOfRangeException(nameof(actions), a, $"action outside [0, {actionCount})");
        }

        Id = id;
        Encoding = encoding;
        ObservationSize = observationSize;
        ActionCount = actionCount;
        HistoryFrames = historyFrames;
        Positions = positions;
        End = end;
        Steps = steps;
        BytesPerObservation = bytesPerObservation;
        this.observations = observations;
        this.actions = actions;
        this.rewards = rewards;
        this.rootValues = rootValues;
        this.policies = policies;
    }

    /// <summary>Unique id chosen by the producer.</summary>
    public long Id { get; }

    /// <summary>How observations are stored.</summary>
    public ObservationEncoding Encoding { get; }

    /// <summary>Floats per decoded observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Actions of the environment; the width of each policy.</summary>
    public int ActionCount { get; }

    /// <summary>Observations stored before step 0 (steps -HistoryFrames .. -1).</summary>
    public int HistoryFrames { get; }

    /// <summary>Sample positions this segment owns: steps [0, Positions).</summary>
    public int Positions { get; }

    /// <summary>Steps with an action, reward, root value and policy.</summary>
    public int Transitions => actions.Length;

    /// <summary>Steps with an observation (from 0): Transitions, plus the final observation when the episode ended.</summary>
    public int Steps { get; }

    /// <summary>How the episode ends in this segment.</summary>
    public EpisodeEnd End { get; }

    /// <summary>Stored bytes per observation.</summary>
    public int BytesPerObservation { get; }

    /// <summary>Encoded observations of steps [-HistoryFrames, Steps).</summary>
    public ReadOnlySpan<byte> EncodedObservations => observations;

    /// <summary>[Transitions] actions.</summary>
    public ReadOnlySpan<int> Actions => actions;

    /// <summary>[Transitions] rewards.</summary>
    public ReadOnlySpan<float> Rewards => rewards;

    /// <summary>[Transitions] search root values.</summary>
    public ReadOnlySpan<float> RootValues => rootValues;

    /// <summary>[Transitions, ActionCount] search visit distributions.</summary>
    public ReadOnlySpan<float> Policies => policies;

    /// <summary>Search policy at step <paramref name="step"/>.</summary>
    public ReadOnlySpan<float> PolicyAt(int step) => policies.AsSpan(step * ActionCount, ActionCount);

    /// <summary>Decodes the observation of step <paramref name="step"/> (from -HistoryFrames) into <paramref name="destination"/>.</summary>
    public void ReadObservation(int step, Span<float> destination)
    {
        if (step < -HistoryFrames || step >= Steps) throw new ArgumentOutOfRangeException(nameof(step), step, $"must be in [{-HistoryFrames}, {Steps})");
        if (destination.Length < ObservationSize) throw new ArgumentException($"destination holds {destination.Length} floats, need {ObservationSize}", nameof(destination));
        var offset = (step + HistoryFrames) * BytesPerObservation;
        ObservationCodec.Decode(Encoding, observations.AsSpan(offset, BytesPerObservation), destination[..ObservationSize]);
    }

    /// <summary>
    /// Decodes the <paramref name="frames"/> observations ending at <paramref name="step"/>, oldest
    /// first, into <paramref name="destination"/> [frames, ObservationSize] (a frame stack).
    /// </summary>
    public void ReadStack(int step, int frames, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        for (var f = 0; f < frames; f++)
        {
            ReadObservation(step - frames + 1 + f, destination.Slice(f * ObservationSize, ObservationSize));
        }
    }

    /// <summary>The reward and policy view targets are computed from.</summary>
    public Targets.TrajectoryView AsTrajectory() => new(rewards, policies, ActionCount, Transitions, End);
}
