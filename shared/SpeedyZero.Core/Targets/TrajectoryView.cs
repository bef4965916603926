using SpeedyZero.Core.Segments;
using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Targets;

/// <summary>
/// What targets read of a stored trajectory: rewards and search policies of the acted steps
/// [0, Transitions), and how the episode ends after them. A <see cref="Segment"/> gives one;
/// tests build them from hand-written arrays.
/// </summary>
public readonly ref struct TrajectoryView
{
    public TrajectoryView(ReadOnlySpan<float> rewards, ReadOnlySpan<float> policies, int actionCount, int transitions, EpisodeEnd end)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actionCount, 1);
        if (rewards.Length < transitions) throw new ArgumentException($"rewards hold {rewards.Length} values, expected {transitions}", nameof(rewards));
        if (policies.Length < (long)transitions * actionCount) throw new ArgumentException($"policies hold {policies.Length} values, expected {transitions} x {actionCount}", nameof(policies));
        Rewards = rewards;
        Policies = policies;
        ActionCount = actionCount;
        Transitions = transitions;
        End = end;
    }

    /// <summary>[Transitions] reward after the action at each step.</summary>
    public ReadOnlySpan<float> Rewards { get; }

    /// <summary>[Transitions, ActionCount] stored search policies.</summary>
    public ReadOnlySpan<float> Policies { get; }

    /// <summary>Width of each policy.</summary>
    public int ActionCount { get; }

    /// <summary>Acted steps.</summary>
    public int Transitions { get; }

    /// <summary>How the episode ends after the last acted step.</summary>
    public EpisodeEnd End { get; }

    /// <summary>Steps with an observation: Transitions, plus the final one when the episode ended.</summary>
    public int Steps => Transitions + (End == EpisodeEnd.None ? 0 : 1);
}
