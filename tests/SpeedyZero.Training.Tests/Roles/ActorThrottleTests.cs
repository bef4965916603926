using SpeedyZero.Training.Channels;
using SpeedyZero.Training.InMemory;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Roles.Actor;
using SpeedyZero.Training.Setup;
using SpeedyZero.Training.Tests.Embedded;

namespace SpeedyZero.Training.Tests.Roles;

public sealed class ActorThrottleTests
{
    [Fact]
    public async Task Before_the_learner_starts_an_actor_collects_its_warm_up_share_and_then_waits()
    {
        var config = TrainerRuns.Config("cartpole", [.. TrainerRuns.Tiny, "run.env_steps=5000"]);
        var setup = new TrainingSetup(config);
        var clock = new InMemoryRunClock(0, 0);
        var weights = new InMemoryWeightsChannel();
        using (var model = setup.CreateModel())
        {
            await weights.PublishAsync(WeightsKind.SelfPlay, 1, model.ExportWeights(), CancellationToken.None);
        }

        var segments = new InMemorySegmentChannel(capacity: 10_000);
        var actor = new ActorRole(setup, segments, weights, clock, new TrainingStats(), new SegmentIds(1), seed: 3);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // As on the trainer's role threads, cancellation may surface as an exception from a channel wait.
        var thread = new Thread(() =>
        {
            try
            {
                actor.Run(stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        })
        { IsBackground = true };
        thread.Start();

        try
        {
            // Warm-up plus what the builders may hold: every environment's segment and its padding.
            var parallel = config.Env.Parallel;
            var limit = config.Replay.WarmupTransitions + parallel * (setup.SegmentOptions.Length + setup.SegmentOptions.Padding);
            var steady = WaitUntilSteady(clock, stop.Token);
            Assert.InRange(steady, limit, limit + parallel - 1);
            var published = await PublishedPositionsAsync(segments, stop.Token);
            Assert.True(published >= config.Replay.WarmupTransitions, $"published {published} positions, fewer than the warm-up");

            // Once the learner has started and caught up with the ratio, collection resumes.
            clock.SetLearnerSteps((long)setup.DesiredLearnerSteps(steady));
            Assert.True(SpinWait.SpinUntil(() => clock.EnvSteps > steady, TimeSpan.FromSeconds(30)), "the actor did not resume after the learner's first step");
        }
        finally
        {
            stop.Cancel();
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "the actor did not stop on cancellation");
        }
    }

    private static async Task<long> PublishedPositionsAsync(InMemorySegmentChannel segments, CancellationToken cancellationToken)
    {
        var count = segments.Count;
        var positions = 0L;
        await foreach (var delivery in segments.ReadAllAsync(cancellationToken))
        {
            positions += delivery.Value.Positions;
            if (--count == 0) break;
        }

        return positions;
    }

    private static long WaitUntilSteady(InMemoryRunClock clock, CancellationToken cancellationToken)
    {
        var last = -1L;
        while (!cancellationToken.IsCancellationRequested)
        {
            Thread.Sleep(TimeSpan.FromSeconds(1));
            var now = clock.EnvSteps;
            if (now == last && now > 0) return now;
            last = now;
        }

        throw new TimeoutException("the actor never stopped collecting");
    }
}
