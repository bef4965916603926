namespace SpeedyZero.Core.Environments;

/// <summary>
/// How an episode ended, or that it goes on: on an environment step, at the end of a segment's
/// trajectory, in an inspected episode. One byte in the segment wire format.
/// </summary>
public enum EpisodeEnd : byte
{
    /// <summary>The episode goes on (a segment: it carries its full padding; an inspection: cut at its step limit).</summary>
    None = 0,

    /// <summary>A terminal state: no value past its last observation, do not bootstrap.</summary>
    Terminated = 1,

    /// <summary>Cut by a time limit: the last observation still has a value to bootstrap from.</summary>
    Truncated = 2,
}
