using SpeedyZero.Training.Config;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Training.Tests.Roles;

public class RandomPolicyBaselineTests
{
    private static TrainingSetup Setup(string preset, params string[] overrides) =>
        new(ConfigLoader.Load(preset, null, new Dictionary<string, string>(), overrides));

    [Fact]
    public void The_same_seed_plays_the_same_episodes_and_another_seed_other_ones()
    {
        var setup = Setup("cartpole");
        var first = RandomPolicyBaseline.Play(setup, 50, seed: 4, CancellationToken.None);
        Assert.Equal(first, RandomPolicyBaseline.Play(setup, 50, seed: 4, CancellationToken.None));
        Assert.NotEqual(first, RandomPolicyBaseline.Play(setup, 50, seed: 5, CancellationToken.None));
    }

    [Fact]
    public void Random_cartpole_balances_about_22_steps()
    {
        var returns = RandomPolicyBaseline.Play(Setup("cartpole"), 1000, seed: 1, CancellationToken.None);
        Assert.InRange(returns.Average(), 19, 25);
        Assert.All(returns, r => Assert.InRange(r, 1, 500));
    }

    [Fact]
    public void Random_breakout_with_MinAtars_own_settings_scores_what_MinAtar_reports()
    {
        // MinAtar's README: random_play.py on breakout (all 6 actions) reports 0.5 +- 0.023
        // (standard error over 1000 episodes).
        var returns = RandomPolicyBaseline.Play(Setup("breakout", "env.minimal_action_set=false"), 1000, seed: 2, CancellationToken.None);
        Assert.InRange(returns.Average(), 0.5 - 0.07, 0.5 + 0.07);
    }
}
