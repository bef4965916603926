namespace SpeedyZero.Core.Environments;

/// <summary>
/// Outcome of one step. <see cref="Terminated"/> means the episode reached a true end (no
/// bootstrap past it); <see cref="Truncated"/> means a step limit cut it (bootstrap from the
/// last observation). At most one of the two is set; termination wins when both happen at once.
/// </summary>
public readonly record struct StepResult(float Reward, bool Terminated, bool Truncated)
{
    /// <summary>True when the episode is over for either reason.</summary>
    public bool Done => Terminated || Truncated;
}
