namespace SpeedyZero.Core.Environments;

/// <summary>Outcome of one step: its reward and how the episode ended, if it did (termination wins when both happen at once).</summary>
public readonly record struct StepResult(float Reward, EpisodeEnd End)
{
    /// <summary>The episode reached a terminal state (no bootstrap past it).</summary>
    public bool Terminated => End == EpisodeEnd.Terminated;

    /// <summary>A step limit cut the episode (bootstrap from the last observation).</summary>
    public bool Truncated => End == EpisodeEnd.Truncated;

    /// <summary>True when the episode is over for either reason.</summary>
    public bool Done => End != EpisodeEnd.None;

    /// <summary>The end of a step that reached a terminal state, was cut by a limit, or neither.</summary>
    public static EpisodeEnd EndOf(bool terminated, bool truncated) =>
        terminated ? EpisodeEnd.Terminated : truncated ? EpisodeEnd.Truncated : EpisodeEnd.None;
}
