namespace SpeedyZero.Reporting.Runs;

/// <summary>
/// Published results a run is drawn against. MinAtar (Young and Tian 2019) gives its results only as plotted
/// curves (the MinAtar README's learning_curves.gif: training return, moving average over 100 episodes, 30 runs,
/// all six actions, sticky actions 0.1, difficulty ramping); these are read off those curves at 5M frames,
/// about +-10%, as docs/results.md says.
/// </summary>
public static class PublishedBaselines
{
    private static readonly Dictionary<string, (double Dqn, double ActorCritic)> MinAtarAt5M = new()
    {
        ["breakout"] = (10, 17.5),
        ["asterix"] = (17, 19),
        ["freeway"] = (50, 47),
        ["seaquest"] = (20, 16),
        ["space_invaders"] = (43, 185),
    };

    /// <summary>The baselines of an environment (registry name), labelled for a plot's legend; none for most environments.</summary>
    public static IReadOnlyList<(string Label, double Return)> For(string environment) =>
        MinAtarAt5M.TryGetValue(environment, out var b)
            ? [($"DQN at 5M frames ~{b.Dqn:0.#}", b.Dqn), ($"AC(lambda) at 5M frames ~{b.ActorCritic:0.#}", b.ActorCritic)]
            : [];
}
