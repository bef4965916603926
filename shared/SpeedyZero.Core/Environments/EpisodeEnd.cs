namespace SpeedyZero.Core.Environments;

/// <summary>How an instance's episode ended on the last vector step, if it did.</summary>
public enum EpisodeEnd : byte
{
    /// <summary>The episode goes on.</summary>
    None = 0,

    /// <summary>A true end: do not bootstrap past it.</summary>
    Terminated = 1,

    /// <summary>Cut by a step limit: bootstrap from the final observation.</summary>
    Truncated = 2,
}
