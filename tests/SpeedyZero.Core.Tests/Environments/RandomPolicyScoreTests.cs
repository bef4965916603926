using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Tests.Environments;

/// <summary>
/// Mean return of a uniform random policy over the full 6 actions with MinAtar's defaults,
/// as MinAtar's examples/random_play.py measures it. We found no published table of those
/// numbers, so the bounds are loose and argued from the rules: they catch a game that is
/// broken (never scores, never ends, scores far too easily), not small differences.
/// </summary>
public class RandomPolicyScoreTests
{
    [Theory]
    // Breakout: the ball starts away from the paddle; a random paddle returns it now and then, ~1 brick a game.
    [InlineData("breakout", 200, 0.3, 3.0, 5, 200)]
    // Asterix: gold is 1 spawn in 3 and an enemy usually arrives within a few dozen frames.
    [InlineData("asterix", 200, 0.1, 3.0, 10, 400)]
    // Freeway: up is 1 action in 6 and cars push the chicken back; crossings are rare but happen in 2501 frames.
    [InlineData("freeway", 100, 0.03, 3.0, 2501, 2501)]
    // Seaquest: the first enemy comes at frame 20; a random submarine rarely shoots it before dying.
    [InlineData("seaquest", 200, 0.02, 2.0, 10, 400)]
    // Space Invaders: a 24-alien wave over the cannon; random fire hits a few before the aliens' bullets land.
    [InlineData("space_invaders", 200, 1.0, 15.0, 10, 500)]
    public void Mean_random_return_is_plausible(string name, int episodes, double minMean, double maxMean, double minLength, double maxLength)
    {
        var env = EnvironmentRegistry.Create(name);
        var obs = new float[env.ObservationShape.Size];
        var policy = new Random(21);
        double totalReturn = 0, totalLength = 0;
        env.Reset(100, obs);
        for (var e = 0; e < episodes; e++)
        {
            StepResult r;
            do
            {
                r = env.Step(policy.Next(6), obs);
                totalReturn += r.Reward;
            }
            while (!r.Done);

            totalLength += env.EpisodeStep;
            env.Reset(obs);
        }

        var meanReturn = totalReturn / episodes;
        var meanLength = totalLength / episodes;
        Assert.InRange(meanReturn, minMean, maxMean);
        Assert.InRange(meanLength, minLength, maxLength);
    }
}
