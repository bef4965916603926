using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Targets;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Training.Roles.Reanalyzer;

/// <summary>
/// Priority Refresh (SpeedyZero): sweeps the whole buffer in id order, recomputing each
/// transition's priority <c>|v(o_t) - z_t| + 1e-6</c> with the latest self-play weights for v
/// and the target network for z's bootstrap, and writes them back. Between refreshes only a
/// tiny share of the buffer is sampled, so without this most priorities go stale.
/// Budget: refresh.batch_size transitions per refresh.every_learner_steps learner steps.
/// </summary>
public sealed class PriorityRefreshRole(
    TrainingSetup setup,
    IReplayClient replay,
    IWeightsChannel weights,
    IRunClock clock,
    TrainingStats stats)
{
    public void Run(CancellationToken cancellationToken)
    {
        var config = setup.Config.Refresh;
        var stackSize = setup.StackedObservationSize;
        var rows = config.BatchSize;
        using var latest = setup.CreateModel(seedOffset: 4);
        using var target = setup.CreateModel(seedOffset: 5);
        var latestFollower = new WeightsFollower(latest, weights, WeightsKind.SelfPlay);
        var targetFollower = new WeightsFollower(target, weights, WeightsKind.Target);
        latestFollower.WaitForFirst(cancellationToken);
        targetFollower.WaitForFirst(cancellationToken);

        // Only the value target at the transition itself is needed: no unroll.
        var options = setup.TargetOptions with { UnrollSteps = 0 };
        var observations = new float[rows * stackSize];
        var bootstrapObservations = new float[rows * stackSize];
        var bootstrapRow = new int[rows];
        var horizons = new int[rows];
        var outputs = new InferenceBuffers(latest.Shape, rows);
        var step = new int[1];
        var value = new float[1];
        var prefix = Array.Empty<float>();
        var policy = new float[setup.ActionCount];
        var mask = new float[1];
        var segments = new Core.Segments.Segment?[rows];
        var cursor = 0L;
        var lastRound = clock.LearnerSteps;

        while (!cancellationToken.IsCancellationRequested)
        {
            if (clock.LearnerSteps < lastRound + config.EveryLearnerSteps)
            {
                cancellationToken.WaitHandle.WaitOne(2);
                continue;
            }

            lastRound = clock.LearnerSteps;
            latestFollower.Refresh(cancellationToken);
            targetFollower.Refresh(cancellationToken);

            var sweep = Blocking.Wait(replay.SweepAsync(cursor, rows, cancellationToken));
            if (sweep.Ids.Length == 0)
            {
                cursor = 0; // reached the newest: start the next sweep from the oldest
                stats.RecordRefresh(0, sweepCompleted: true);
                continue;
            }

            var n = sweep.Ids.Length;
            var bootstraps = 0;
            var swept = Blocking.Wait(replay.GetSegmentsOfKeysAsync(sweep.Keys, cancellationToken));
            for (var i = 0; i < n; i++)
            {
                var segment = swept[i];
                segments[i] = segment;
                if (segment is null) continue;
                var position = TransitionKey.PositionOf(sweep.Keys[i]);
                segment.ReadStack(position, setup.FrameStack, observations.AsSpan(i * stackSize, stackSize));
                horizons[i] = TargetBuilder.Horizon(options, sweep.NextId - sweep.Ids[i] - 1, setup.Config.Run.EnvSteps);
                TargetBuilder.BootstrapSteps(options, segment.AsTrajectory(), position, horizons[i], step);
                bootstrapRow[i] = -1;
                if (step[0] >= 0)
                {
                    segment.ReadStack(step[0], setup.FrameStack, bootstrapObservations.AsSpan(bootstraps * stackSize, stackSize));
                    bootstrapRow[i] = bootstraps++;
                }
            }

            var bootstrapValues = new float[Math.Max(bootstraps, 1)];
            if (bootstraps > 0)
            {
                target.InitialInference(bootstrapObservations.AsSpan(0, bootstraps * stackSize), bootstraps, outputs.For(bootstraps));
                outputs.Value.AsSpan(0, bootstraps).CopyTo(bootstrapValues);
            }

            latest.InitialInference(observations.AsSpan(0, n * stackSize), n, outputs.For(n));
            var ids = new List<long>(n);
            var priorities = new List<float>(n);
            for (var i = 0; i < n; i++)
            {
                var segment = segments[i];
                if (segment is null) continue;
                var boot = bootstrapRow[i] >= 0 ? bootstrapValues[bootstrapRow[i]] : 0f;
                TargetBuilder.Compute(options, segment.AsTrajectory(), TransitionKey.PositionOf(sweep.Keys[i]), horizons[i],
                    [boot], value, prefix, policy, mask, prefix);
                ids.Add(sweep.Ids[i]);
                priorities.Add(Math.Abs(outputs.Value[i] - value[0]) + 1e-6f);
            }

            Blocking.Wait(replay.UpdatePrioritiesAsync(ids.ToArray(), priorities.ToArray(), cancellationToken));
            cursor = sweep.Ids[n - 1] + 1;
            stats.RecordRefresh(ids.Count, sweepCompleted: false);
        }
    }
}
