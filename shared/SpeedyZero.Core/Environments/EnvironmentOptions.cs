namespace SpeedyZero.Core.Environments;

/// <summary>
/// Options for <see cref="EnvironmentRegistry.Create"/>. <see cref="Default"/> is MinAtar's own
/// setting: sticky actions 0.1, the full 6-action set, difficulty ramping on, no step limit
/// beyond each game's own rules (CartPole keeps its 500-step truncation).
/// </summary>
public sealed record EnvironmentOptions
{
    /// <summary>MinAtar's defaults; see the type's summary.</summary>
    public static EnvironmentOptions Default { get; } = new();

    /// <summary>MinAtar: chance that the previous action is repeated instead of the chosen one. Ignored by CartPole.</summary>
    public double StickyActionProbability { get; init; } = 0.1;

    /// <summary>MinAtar: expose only the game's minimal action set instead of all 6 actions. Ignored by CartPole.</summary>
    public bool MinimalActionSet { get; init; }

    /// <summary>MinAtar: let difficulty rise during an episode (Asterix, Seaquest, Space Invaders). Ignored by CartPole.</summary>
    public bool DifficultyRamping { get; init; } = true;

    /// <summary>Episode step limit that truncates; null keeps the environment's own (CartPole 500, MinAtar none).</summary>
    public int? MaxEpisodeSteps { get; init; }

    /// <summary>Throws naming the first option out of range.</summary>
    public EnvironmentOptions Validate()
    {
        if (!(StickyActionProbability >= 0 && StickyActionProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(StickyActionProbability), StickyActionProbability, "must be in [0, 1]");
        }

        if (MaxEpisodeSteps is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEpisodeSteps), MaxEpisodeSteps, "must be positive when set");
        }

        return this;
    }
}
