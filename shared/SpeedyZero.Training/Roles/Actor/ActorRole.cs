using System.Diagnostics;
using SpeedyZero.Core.Search;
using SpeedyZero.Core.Segments;
using SpeedyZero.Engine;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Setup;
using SpeedyZero.Core.Environments;

namespace SpeedyZero.Training.Roles.Actor;

/// <summary>
/// Self-play: steps env.parallel environments in lock-step, one batched search per step with
/// the latest self-play weights, cuts each environment's steps into segments and publishes
/// them. Pauses while the learner is behind the configured update-to-collect ratio.
/// </summary>
public sealed class ActorRole(
    TrainingSetup setup,
    ISegmentSink segments,
    IWeightsChannel weights,
    IRunClock clock,
    TrainingStats stats,
    SegmentIds segmentIds,
    long seed)
{
    /// <summary>Called with the wall time of each batched search (the services observe it in a histogram).</summary>
    public Action<TimeSpan>? Searched { get; init; }

    /// <summary>Runs until the run's env steps are collected or <paramref name="cancellationToken"/> fires.</summary>
    public void Run(CancellationToken cancellationToken)
    {
        var config = setup.Config;
        var parallel = config.Env.Parallel;
        var total = config.Run.EnvSteps;
        var observationSize = setup.ObservationShape.Size;

        using var model = setup.CreateModel(seedOffset: 1);
        var follower = new WeightsFollower(model, weights, WeightsKind.SelfPlay);
        follower.WaitForFirst(cancellationToken);
        stats.RecordWeightsInUse(WeightsKind.SelfPlay, follower.Version);

        using var search = new BatchedSearch(setup.SearchOptions, model.Shape, parallel);
        var results = new SearchResults(parallel, setup.ActionCount);
        var outputs = new InferenceBuffers(model.Shape, parallel);
        var environments = setup.CreateVectorEnvironment(parallel);
        var buffers = environments.CreateBuffers();
        var stacks = new FrameStacks(parallel, setup.FrameStack, observationSize);
        var builders = new SegmentBuilder[parallel];

        environments.Reset((ulong)seed, buffers);
        for (var i = 0; i < parallel; i++)
        {
            builders[i] = new SegmentBuilder(setup.SegmentOptions, setup.Encoding, observationSize, setup.ActionCount, segmentIds.Next);
            builders[i].BeginEpisode(buffers.Observation(i));
            stacks.Reset(i, buffers.Observation(i));
        }

        // How far the learner may fall behind before actors wait: two actor steps' worth. Before
        // the learner's first step the ratio cannot be held (the replay may not yet hold a batch:
        // steps of unfinished episodes are still in the segment builders), so an actor collects
        // until it alone has published the warm-up, plus what its builders may still hold, and
        // then waits for the learner to start instead of running the whole run ahead of it.
        var allowance = 2 * parallel * config.Learner.TrainRatio + 2;
        var preLearnerLimit = config.Replay.WarmupTransitions + (long)parallel * (setup.SegmentOptions.Length + setup.SegmentOptions.Padding);
        var learnerStart = clock.LearnerSteps;
        long collected = 0;
        var searchSeed = (ulong)seed * 0x9E3779B97F4A7C15UL;
        var throttle = new Stopwatch();

        while (!cancellationToken.IsCancellationRequested && clock.EnvSteps < total)
        {
            if (LearnerBehind())
            {
                throttle.Restart();
                while (LearnerBehind() && !cancellationToken.IsCancellationRequested)
                {
                    cancellationToken.WaitHandle.WaitOne(1);
                }

                stats.AddThrottled(throttle.Elapsed.TotalSeconds);
                continue;
            }

            if (follower.Refresh(cancellationToken))
            {
                stats.RecordWeightsInUse(WeightsKind.SelfPlay, follower.Version);
            }

            model.InitialInference(stacks.Stacked, parallel, outputs.For(parallel));
            var roots = new SearchRoots(parallel, outputs.Latent.AsSpan(0, parallel * model.Shape.LatentSize),
                outputs.Value.AsSpan(0, parallel), outputs.PolicyLogits.AsSpan(0, parallel * setup.ActionCount));
            var temperature = config.Search.TemperatureAt((double)clock.EnvSteps / total);
            var searchStarted = Stopwatch.GetTimestamp();
            search.Run(model, roots, results, searchSeed++, rootNoise: true, temperature);
            Searched?.Invoke(Stopwatch.GetElapsedTime(searchStarted));

            environments.Step(results.Action.AsSpan(0, parallel), buffers);
            for (var i = 0; i < parallel; i++)
            {
                var end = buffers.Ends[i];
                var next = end == EpisodeEnd.None ? buffers.Observation(i) : buffers.FinalObservation(i);
                builders[i].Append(results.Action[i], buffers.Rewards[i], results.RootValue[i], results.PolicyOf(i), next);
                if (end == EpisodeEnd.None)
                {
                    stacks.Push(i, next);
                    continue;
                }

                builders[i].EndEpisode(end);
                stats.RecordEpisode(buffers.EpisodeReturns[i]);
                builders[i].BeginEpisode(buffers.Observation(i));
                stacks.Reset(i, buffers.Observation(i));
            }

            foreach (var builder in builders)
            {
                while (builder.TryTake(out var segment))
                {
                    Blocking.Wait(segments.PublishAsync(segment, cancellationToken));
                }
            }

            clock.AddEnvSteps(parallel);
            collected += parallel;
        }

        bool LearnerBehind()
        {
            var learner = clock.LearnerSteps;
            if (learner <= learnerStart) return collected >= preLearnerLimit;
            return setup.DesiredLearnerSteps(clock.EnvSteps) - learner > allowance;
        }
    }
}
