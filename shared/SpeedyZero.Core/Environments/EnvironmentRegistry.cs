using SpeedyZero.Core.Environments.MinAtar;

namespace SpeedyZero.Core.Environments;

/// <summary>Creates environments by name: "cartpole", the five MinAtar games, and "catch" (a small test game).</summary>
public static class EnvironmentRegistry
{
    private static readonly Dictionary<string, Func<EnvironmentOptions, IEnvironment>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cartpole"] = o => new CartPole(o),
        ["breakout"] = o => new Breakout(o),
        ["asterix"] = o => new Asterix(o),
        ["freeway"] = o => new Freeway(o),
        ["seaquest"] = o => new Seaquest(o),
        ["space_invaders"] = o => new SpaceInvaders(o),
        ["catch"] = _ => new Catch(),
    };

    /// <summary>Every registered name, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["cartpole", "breakout", "asterix", "freeway", "seaquest", "space_invaders", "catch"];

    /// <summary>The five MinAtar games.</summary>
    public static IReadOnlyList<string> MinAtarNames { get; } = ["breakout", "asterix", "freeway", "seaquest", "space_invaders"];

    /// <summary>A new instance of <paramref name="name"/> (case-insensitive; "-" reads as "_").</summary>
    public static IEnvironment Create(string name, EnvironmentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        options = (options ?? EnvironmentOptions.Default).Validate();
        if (!Factories.TryGetValue(name.Replace('-', '_'), out var factory))
        {
            throw new ArgumentException($"unknown environment '{name}'; known: {string.Join(", ", Names)}", nameof(name));
        }

        return factory(options);
    }

    /// <summary>True when <paramref name="name"/> names a registered environment.</summary>
    public static bool IsKnown(string name) => Factories.ContainsKey(name.Replace('-', '_'));
}
