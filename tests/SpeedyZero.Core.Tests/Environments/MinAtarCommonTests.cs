using SpeedyZero.Core.Environments;
using SpeedyZero.Core.Environments.MinAtar;

namespace SpeedyZero.Core.Tests.Environments;

/// <summary>Properties every MinAtar game shares: layout, action sets, sticky actions, seeding, allocation.</summary>
public class MinAtarCommonTests
{
    public static TheoryData<string> Games => new(EnvironmentRegistry.MinAtarNames);

    [Theory]
    [InlineData("breakout", new[] { "paddle", "ball", "trail", "brick" }, new[] { 0, 1, 3 })]
    [InlineData("asterix", new[] { "player", "enemy", "trail", "gold" }, new[] { 0, 1, 2, 3, 4 })]
    [InlineData("freeway", new[] { "chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5" }, new[] { 0, 2, 4 })]
    [InlineData("seaquest", new[] { "sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet", "enemy_fish", "enemy_sub", "oxygen_guage", "diver_guage", "diver" }, new[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData("space_invaders", new[] { "cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet" }, new[] { 0, 1, 3, 5 })]
    public void Channels_and_action_sets_are_qxqs(string name, string[] channels, int[] minimal)
    {
        var full = (MinAtarGame)EnvironmentRegistry.Create(name);
        Assert.Equal(channels, full.ChannelNames);
        Assert.Equal(ObservationShape.Grid(channels.Length, 10, 10), full.ObservationShape);
        Assert.Equal(6, full.ActionCount);
        Assert.Equal(minimal, full.MinimalActions.Select(a => (int)a));

        var small = (MinAtarGame)EnvironmentRegistry.Create(name, new EnvironmentOptions { MinimalActionSet = true });
        Assert.Equal(minimal.Length, small.ActionCount);
        Assert.Equal(minimal, Enumerable.Range(0, small.ActionCount).Select(i => (int)small.ActionOf(i)));
        var legal = new bool[8];
        small.GetLegalActions(legal);
        Assert.Equal(minimal.Length, legal.Count(l => l));
    }

    [Theory]
    [MemberData(nameof(Games))]
    public void Sticky_actions_repeat_the_previous_action_one_time_in_ten(string name)
    {
        var game = (MinAtarGame)EnvironmentRegistry.Create(name);
        var obs = new float[game.ObservationShape.Size];
        var policy = new Random(3);
        game.Reset(17, obs);
        var steps = 60_000;
        var overridden = 0;
        for (var i = 0; i < steps; i++)
        {
            var chosen = policy.Next(6);
            var result = game.Step(chosen, obs);
            if ((int)game.LastActionForTest != chosen) overridden++;
            if (result.Done) game.Reset(obs);
        }

        // The repeat replaces the choice only when it differs: 0.1 * 5/6 for uniform choices.
        var rate = (double)overridden / steps;
        var expected = 0.1 * 5 / 6;
        var sigma = Math.Sqrt(expected * (1 - expected) / steps);
        Assert.InRange(rate, expected - 5 * sigma, expected + 5 * sigma);
    }

    [Theory]
    [MemberData(nameof(Games))]
    public void Zero_stickiness_applies_every_choice(string name)
    {
        var game = (MinAtarGame)EnvironmentRegistry.Create(name, new EnvironmentOptions { StickyActionProbability = 0 });
        var obs = new float[game.ObservationShape.Size];
        var policy = new Random(4);
        game.Reset(1, obs);
        for (var i = 0; i < 5_000; i++)
        {
            var chosen = policy.Next(6);
            if (game.Step(chosen, obs).Done) game.Reset(obs);
            Assert.Equal(chosen, (int)game.LastActionForTest);
        }
    }

    [Theory]
    [MemberData(nameof(Games))]
    public void Same_seed_same_game_other_seed_other_game(string name)
    {
        var a = Trace(name, seed: 42);
        Assert.Equal(a, Trace(name, seed: 42));
        Assert.NotEqual(a, Trace(name, seed: 43));
    }

    /// <summary>A hash of observations, rewards and endings over 3000 random steps with auto-reset.</summary>
    private static string Trace(string name, ulong seed)
    {
        var env = EnvironmentRegistry.Create(name);
        var obs = new float[env.ObservationShape.Size];
        var policy = new Random(5);
        var hash = new HashCode();
        env.Reset(seed, obs);
        for (var i = 0; i < 3_000; i++)
        {
            var r = env.Step(policy.Next(env.ActionCount), obs);
            hash.Add(r);
            foreach (var v in obs) hash.Add(v);
            if (r.Done) env.Reset(obs);
        }

        return hash.ToHashCode().ToString();
    }

    [Theory]
    [MemberData(nameof(Games))]
    public void Stepping_allocates_nothing(string name)
    {
        var env = EnvironmentRegistry.Create(name);
        var obs = new float[env.ObservationShape.Size];
        var legal = new bool[env.ActionCount];
        var policy = new Xoshiro256(9);
        env.Reset(1, obs);
        void Run(int steps)
        {
            for (var i = 0; i < steps; i++)
            {
                env.GetLegalActions(legal);
                if (env.Step(policy.NextInt(env.ActionCount), obs).Done) env.Reset(obs);
            }
        }

        Run(20_000); // warm-up: JIT and any one-time growth
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(50_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Stepping_after_the_end_needs_a_reset()
    {
        var game = new Breakout(Grid.Exact);
        var obs = new float[400];
        game.Reset(0, obs);
        while (!game.Step(0, obs).Done)
        {
        }

        Assert.True(game.IsEpisodeOver);
        Assert.Throws<InvalidOperationException>(() => game.Step(0, obs));
        game.Reset(obs);
        Assert.False(game.IsEpisodeOver);
        Assert.Equal(0, game.EpisodeStep);
    }

    [Fact]
    public void Step_limit_truncates_without_terminating()
    {
        var game = new Freeway(Grid.Exact with { MaxEpisodeSteps = 30 });
        var obs = new float[700];
        game.Reset(0, obs);
        for (var i = 1; i < 30; i++) Assert.False(game.Step(0, obs).Done);
        var last = game.Step(0, obs);
        Assert.True(last.Truncated);
        Assert.False(last.Terminated);
    }

    [Fact]
    public void Actions_outside_the_set_are_rejected()
    {
        var env = EnvironmentRegistry.Create("space_invaders", new EnvironmentOptions { MinimalActionSet = true });
        var obs = new float[600];
        env.Reset(0, obs);
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step(4, obs));
    }
}
