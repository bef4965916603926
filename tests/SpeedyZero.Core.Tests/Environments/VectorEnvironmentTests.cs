using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Tests.Environments;

public class VectorEnvironmentTests
{
    [Fact]
    public void Instances_match_single_environments_seeded_with_the_derived_seeds()
    {
        const int n = 4;
        var vector = VectorEnvironment.Create("breakout", n);
        var buffers = vector.CreateBuffers();
        vector.Reset(77, buffers);

        var singles = new IEnvironment[n];
        var singleObs = new float[n][];
        var returns = new double[n];
        for (var i = 0; i < n; i++)
        {
            singles[i] = EnvironmentRegistry.Create("breakout");
            singleObs[i] = new float[400];
            singles[i].Reset(Xoshiro256.DeriveSeed(77, i), singleObs[i]);
            Assert.Equal(singleObs[i], buffers.Observation(i).ToArray());
        }

        var policy = new Random(1);
        var actions = new int[n];
        var episodesEnded = 0;
        for (var step = 0; step < 3_000; step++)
        {
            for (var i = 0; i < n; i++) actions[i] = policy.Next(6);
            vector.Step(actions, buffers);
            for (var i = 0; i < n; i++)
            {
                var r = singles[i].Step(actions[i], singleObs[i]);
                returns[i] += r.Reward;
                Assert.Equal(r.Reward, buffers.Rewards[i]);
                var expectedEnd = r.Terminated ? EpisodeEnd.Terminated : r.Truncated ? EpisodeEnd.Truncated : EpisodeEnd.None;
                Assert.Equal(expectedEnd, buffers.Ends[i]);
                if (r.Done)
                {
                    episodesEnded++;
                    Assert.Equal(singleObs[i], buffers.FinalObservation(i).ToArray());
                    Assert.Equal(returns[i], buffers.EpisodeReturns[i]);
                    Assert.Equal(singles[i].EpisodeStep, buffers.EpisodeLengths[i]);
                    returns[i] = 0;
                    singles[i].Reset(singleObs[i]);
                }

                // After an end the batch row already holds the new episode's first observation.
                Assert.Equal(singleObs[i], buffers.Observation(i).ToArray());
            }
        }

        Assert.True(episodesEnded > 20, $"only {episodesEnded} episodes ended");
    }

    [Fact]
    public void CartPole_batch_reports_truncation_separately()
    {
        var vector = VectorEnvironment.Create("cartpole", 2, new EnvironmentOptions { MaxEpisodeSteps = 5 });
        var buffers = vector.CreateBuffers();
        vector.Reset(0, buffers);
        int[] actions = [0, 1];
        for (var step = 1; step <= 5; step++)
        {
            vector.Step(actions, buffers);
            var expected = step == 5 ? EpisodeEnd.Truncated : EpisodeEnd.None;
            Assert.Equal([expected, expected], buffers.Ends);
        }

        Assert.Equal([5.0, 5.0], buffers.EpisodeReturns);
        Assert.Equal([5, 5], buffers.EpisodeLengths);
        Assert.Equal(0, vector[0].EpisodeStep); // auto-reset already started the next episode
    }

    [Fact]
    public void Different_instances_get_different_seeds()
    {
        var vector = VectorEnvironment.Create("cartpole", 8);
        var buffers = vector.CreateBuffers();
        vector.Reset(5, buffers);
        var rows = Enumerable.Range(0, 8).Select(i => string.Join(",", buffers.Observation(i).ToArray())).ToHashSet();
        Assert.Equal(8, rows.Count);
    }

    [Fact]
    public void Stepping_the_batch_allocates_nothing()
    {
        var vector = VectorEnvironment.Create("seaquest", 16);
        var buffers = vector.CreateBuffers();
        var actions = new int[16];
        var policy = new Xoshiro256(2);
        vector.Reset(3, buffers);
        for (var warm = 0; warm < 2; warm++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var step = 0; step < 5_000; step++)
            {
                for (var i = 0; i < actions.Length; i++) actions[i] = policy.NextInt(6);
                vector.Step(actions, buffers);
            }

            if (warm == 1) Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Mismatched_buffers_are_rejected()
    {
        var vector = VectorEnvironment.Create("asterix", 3);
        Assert.Throws<ArgumentException>(() => vector.Reset(0, new VectorStepBuffers(2, 400)));
        var buffers = vector.CreateBuffers();
        vector.Reset(0, buffers);
        Assert.Throws<ArgumentException>(() => vector.Step(new int[2], buffers));
    }
}
