namespace SpeedyZero.Core.Segments;

/// <summary>How the trajectory stored in a segment ends.</summary>
public enum EpisodeEnd : byte
{
    /// <summary>The episode goes on past the segment; the segment carries its full padding.</summary>
    None = 0,

    /// <summary>The episode ended in a terminal state: no value past its last observation.</summary>
    Terminal = 1,

    /// <summary>The episode was cut by a time limit: its last observation still has a value to bootstrap from.</summary>
    Truncated = 2,
}
