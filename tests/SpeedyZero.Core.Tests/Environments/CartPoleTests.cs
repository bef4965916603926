using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Tests.Environments;

public class CartPoleTests
{
    /// <summary>
    /// The classic cart-pole equations written independently: both accelerations from the
    /// equations of motion multiplied through by the total mass, integrated on a state vector.
    /// </summary>
    private static double[] ReferenceStep(double[] s, int action)
    {
        const double g = 9.8, mc = 1.0, mp = 0.1, halfLength = 0.5, forceMag = 10.0, dt = 0.02;
        var m = mc + mp;
        var f = action == 0 ? -forceMag : forceMag;
        var (sinT, cosT) = Math.SinCos(s[2]);
        var w2 = s[3] * s[3];
        var thetaAcc = (g * sinT * m - cosT * (f + mp * halfLength * w2 * sinT))
                       / (halfLength * (4.0 / 3.0 * m - mp * cosT * cosT));
        var xAcc = (f + mp * halfLength * (w2 * sinT - thetaAcc * cosT)) / m;
        double[] derivative = [s[1], xAcc, s[3], thetaAcc];
        var next = new double[4];
        for (var i = 0; i < 4; i++) next[i] = s[i] + dt * derivative[i];
        return next;
    }

    private static bool ReferenceFails(double[] s) => Math.Abs(s[0]) > 2.4 || Math.Abs(s[2]) > 12 * Math.PI / 180;

    [Fact]
    public void Matches_the_classic_equations_over_a_long_random_rollout()
    {
        var env = new CartPole();
        var obs = new float[4];
        var actions = new Random(7);
        env.Reset(11, obs);
        var reference = StateOf(env);
        var episodes = 0;
        for (var step = 0; step < 20_000; step++)
        {
            var action = actions.Next(2);
            var result = env.Step(action, obs);
            reference = ReferenceStep(reference, action);
            var actual = StateOf(env);
            for (var i = 0; i < 4; i++)
            {
                Assert.True(Math.Abs(actual[i] - reference[i]) <= 1e-9, $"step {step} component {i}: {actual[i]} vs {reference[i]}");
                Assert.Equal((float)actual[i], obs[i]);
            }

            Assert.Equal(1f, result.Reward);
            Assert.Equal(ReferenceFails(reference), result.Terminated);
            if (result.Done)
            {
                episodes++;
                env.Reset(obs);
                reference = StateOf(env);
                Assert.All(reference, v => Assert.InRange(v, -0.05, 0.05));
            }
        }

        Assert.True(episodes > 100, $"only {episodes} episodes: the rollout should cross many resets");
    }

    [Fact]
    public void Truncates_after_500_steps_when_balanced()
    {
        var env = new CartPole();
        var obs = new float[4];
        env.Reset(3, obs);
        // A simple balancing rule keeps the pole up for the whole episode.
        for (var step = 1; step <= 500; step++)
        {
            var (_, _, theta, thetaDot) = env.State;
            var result = env.Step(theta + 0.5 * thetaDot > 0 ? 1 : 0, obs);
            Assert.False(result.Terminated, $"fell at step {step}");
            Assert.Equal(step == 500, result.Truncated);
        }

        Assert.True(env.IsEpisodeOver);
        Assert.Throws<InvalidOperationException>(() => env.Step(0, obs));
    }

    [Fact]
    public void Terminates_just_past_the_angle_limit()
    {
        var env = new CartPole();
        var obs = new float[4];
        var limit = 12 * 2 * Math.PI / 360;
        // theta' * tau carries theta from just inside the limit to just outside.
        env.SetState(0, 0, limit - 1e-4, 0.01);
        var result = env.Step(1, obs);
        Assert.True(result.Terminated);
        Assert.False(result.Truncated);
        Assert.Equal(1f, result.Reward);
    }

    [Fact]
    public void Terminates_past_the_track_edge()
    {
        var env = new CartPole();
        var obs = new float[4];
        env.SetState(2.399, 0.1, 0, 0);
        Assert.True(env.Step(1, obs).Terminated);
        env.SetState(2.399, 0.01, 0, 0);
        Assert.False(env.Step(1, obs).Terminated);
    }

    [Fact]
    public void Reset_is_uniform_within_five_hundredths()
    {
        var env = new CartPole();
        var obs = new float[4];
        var min = double.MaxValue;
        var max = double.MinValue;
        for (var seed = 0UL; seed < 500; seed++)
        {
            env.Reset(seed, obs);
            var s = StateOf(env);
            min = Math.Min(min, s.Min());
            max = Math.Max(max, s.Max());
        }

        Assert.InRange(min, -0.05, -0.049);
        Assert.InRange(max, 0.049, 0.05);
    }

    [Fact]
    public void Rejects_actions_outside_two()
    {
        var env = new CartPole();
        var obs = new float[4];
        env.Reset(0, obs);
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step(2, obs));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step(-1, obs));
    }

    private static double[] StateOf(CartPole env)
    {
        var (x, xDot, theta, thetaDot) = env.State;
        return [x, xDot, theta, thetaDot];
    }
}
