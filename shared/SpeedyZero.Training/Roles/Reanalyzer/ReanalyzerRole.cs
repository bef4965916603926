using System.Diagnostics;
using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Search;
using SpeedyZero.Core.Segments;
using SpeedyZero.Core.Targets;
using SpeedyZero.Engine;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Setup;
using SpeedyZero.Core.Environments;

namespace SpeedyZero.Training.Roles.Reanalyzer;

/// <summary>
/// Reanalysis (ALGORITHM.md section 4): draws prioritised samples, recomputes value targets
/// with the target network under the dynamic horizon, replaces the policy targets of a
/// configured fraction of samples by a fresh search with the target network, and publishes
/// the assembled training batch. Runs off the learner's thread so the learner never waits for it.
/// </summary>
public sealed class ReanalyzerRole(
    TrainingSetup setup,
    IReplayClient replay,
    IBatchQueue batches,
    IWeightsChannel weights,
    IRunClock clock,
    TrainingStats stats,
    long seed)
{
    private readonly int batchSize = setup.Config.Learner.BatchSize;
    private readonly int unroll = setup.UnrollSteps;
    private readonly int stackSize = setup.StackedObservationSize;
    private readonly int actionCount = setup.ActionCount;
    private readonly Random random = new((int)(seed & int.MaxValue));

    /// <summary>Called with the wall time of assembling each published batch (sampling, targets, fresh search).</summary>
    public Action<TimeSpan>? BatchBuilt { get; init; }

    /// <summary>Wall-clock seconds spent waiting for the learner to take batches (a full queue).</summary>
    public double QueueWaitSeconds { get; private set; }

    public void Run(CancellationToken cancellationToken)
    {
        using var model = setup.CreateModel(seedOffset: 2);
        var follower = new WeightsFollower(model, weights, WeightsKind.Target);
        follower.WaitForFirst(cancellationToken);
        stats.RecordWeightsInUse(WeightsKind.Target, follower.Version);

        var rows = batchSize * (unroll + 1);
        using var search = new BatchedSearch(setup.ReanalyzeSearchOptions, model.Shape, rows);
        var scratch = new Scratch(setup, model.Shape, rows);
        var searchSeed = (ulong)seed * 0xD1B54A32D192ED03UL;
        var wait = new Stopwatch();
        var warmup = setup.Config.Replay.WarmupTransitions;

        while (!cancellationToken.IsCancellationRequested)
        {
            if (clock.EnvSteps < warmup || Blocking.Wait(replay.GetStatusAsync(cancellationToken)).Transitions < batchSize)
            {
                cancellationToken.WaitHandle.WaitOne(5);
                continue;
            }

            if (follower.Refresh(cancellationToken))
            {
                stats.RecordWeightsInUse(WeightsKind.Target, follower.Version);
            }

            var batch = batches.Rent();
            batch.TargetVersion = follower.Version;
            var assembleStarted = Stopwatch.GetTimestamp();
            if (!TryAssemble(model, search, scratch, batch, searchSeed++, cancellationToken))
            {
                batches.Return(batch);
                continue; // a sampled segment was evicted meanwhile: draw again
            }

            BatchBuilt?.Invoke(Stopwatch.GetElapsedTime(assembleStarted));
            var freshPolicies = batch.FreshPolicies; // once published, the batch is the learner's
            wait.Restart();
            Blocking.Wait(batches.PublishAsync(batch, cancellationToken));
            QueueWaitSeconds += wait.Elapsed.TotalSeconds;
            stats.RecordBatch(freshPolicies);
        }
    }

    private bool TryAssemble(EfficientZeroModel model, BatchedSearch search, Scratch scratch, TrainBatch batch, ulong searchSeed,
        CancellationToken cancellationToken)
    {
        var config = setup.Config;
        var progress = (double)clock.EnvSteps / config.Run.EnvSteps;
        var sample = Blocking.Wait(replay.SampleAsync(batchSize, setup.PriorityOptions.Beta(progress), cancellationToken));

        // 1. Locate every sample (one request for the batch's segments) and list the observations
        // whose target-network value it bootstraps from.
        var segments = Blocking.Wait(replay.GetSegmentsOfKeysAsync(sample.Keys, cancellationToken));
        if (Array.IndexOf(segments, null) >= 0)
        {
            return false;
        }

        var bootstrapRows = 0;
        for (var i = 0; i < batchSize; i++)
        {
            var segment = segments[i]!;
            scratch.Segments[i] = segment;
            var position = TransitionKey.PositionOf(sample.Keys[i]);
            var age = sample.NextId - sample.Ids[i] - 1;
            scratch.Horizons[i] = TargetBuilder.Horizon(setup.TargetOptions, age, config.Run.EnvSteps);
            var steps = scratch.BootstrapSteps.AsSpan(i * (unroll + 1), unroll + 1);
            TargetBuilder.BootstrapSteps(setup.TargetOptions, segment.AsTrajectory(), position, scratch.Horizons[i], steps);
            for (var k = 0; k <= unroll; k++)
            {
                if (steps[k] < 0) continue;
                segment.ReadStack(steps[k], setup.FrameStack, scratch.Observations.AsSpan(bootstrapRows * stackSize, stackSize));
                scratch.BootstrapRow[i * (unroll + 1) + k] = bootstrapRows++;
            }
        }

        // 2. One batched call of the target network for all bootstrap values.
        if (bootstrapRows > 0)
        {
            model.InitialInference(scratch.Observations.AsSpan(0, bootstrapRows * stackSize), bootstrapRows, scratch.Outputs.For(bootstrapRows));
        }

        // 3. Targets, observations and actions of every sample; collect roots for fresh policies.
        var freshRows = 0;
        var fresh = 0;
        for (var i = 0; i < batchSize; i++)
        {
            var segment = scratch.Segments[i];
            var position = TransitionKey.PositionOf(sample.Keys[i]);
            var trajectory = segment.AsTrajectory();
            var values = scratch.BootstrapValues.AsSpan(0, unroll + 1);
            for (var k = 0; k <= unroll; k++)
            {
                var row = scratch.BootstrapSteps[i * (unroll + 1) + k] >= 0 ? scratch.BootstrapRow[i * (unroll + 1) + k] : -1;
                values[k] = row >= 0 ? scratch.Outputs.Value[row] : 0f;
            }

            var masks = batch.Masks.AsSpan(i * (unroll + 1), unroll + 1);
            TargetBuilder.Compute(setup.TargetOptions, trajectory, position, scratch.Horizons[i], values,
                batch.TargetValues.AsSpan(i * (unroll + 1), unroll + 1),
                batch.TargetValuePrefixes.AsSpan(i * unroll, unroll),
                batch.TargetPolicies.AsSpan(i * (unroll + 1) * actionCount, (unroll + 1) * actionCount),
                masks, scratch.PrefixMasks);

            var searchThisSample = random.NextDouble() < config.Reanalyze.FreshPolicyFraction;
            fresh += searchThisSample ? 1 : 0;
            for (var k = 0; k <= unroll; k++)
            {
                var step = position + k;
                var acted = step < segment.Transitions;
                // After a terminal state the episode is absorbing: value 0 and a constant value
                // prefix are real targets, so those steps keep mask 1 (the policy target stays zero).
                if (!acted && segment.End == EpisodeEnd.Terminated) masks[k] = 1f;

                var observation = batch.Observations.AsSpan((i * (unroll + 1) + k) * stackSize, stackSize);
                segment.ReadStack(Math.Min(step, segment.Steps - 1), setup.FrameStack, observation);
                if (k < unroll)
                {
                    batch.Actions[i * unroll + k] = step < segment.Transitions ? segment.Actions[step] : random.Next(actionCount);
                }

                if (searchThisSample && acted)
                {
                    observation.CopyTo(scratch.Observations.AsSpan(freshRows * stackSize, stackSize));
                    scratch.FreshTarget[freshRows++] = i * (unroll + 1) + k;
                }
            }

            batch.Ids[i] = sample.Ids[i];
            batch.Weights[i] = sample.Weights[i];
        }

        // 4. Fresh policies: one batched search over all their roots with the target network.
        if (freshRows > 0)
        {
            model.InitialInference(scratch.Observations.AsSpan(0, freshRows * stackSize), freshRows, scratch.Outputs.For(freshRows));
            var roots = new SearchRoots(freshRows, scratch.Outputs.Latent.AsSpan(0, freshRows * model.Shape.LatentSize),
                scratch.Outputs.Value.AsSpan(0, freshRows), scratch.Outputs.PolicyLogits.AsSpan(0, freshRows * actionCount));
            search.Run(model, roots, scratch.Results, searchSeed, rootNoise: true, temperature: 1f);
            for (var r = 0; r < freshRows; r++)
            {
                scratch.Results.PolicyOf(r).CopyTo(batch.TargetPolicies.AsSpan(scratch.FreshTarget[r] * actionCount, actionCount));
            }
        }

        batch.FreshPolicies = fresh;
        return true;
    }

    /// <summary>Buffers one reanalysis worker reuses for every batch.</summary>
    private sealed class Scratch(TrainingSetup setup, Core.Model.ModelShape shape, int rows)
    {
        public Segment[] Segments { get; } = new Segment[setup.Config.Learner.BatchSize];
        public int[] Horizons { get; } = new int[setup.Config.Learner.BatchSize];
        public int[] BootstrapSteps { get; } = new int[rows];
        public int[] BootstrapRow { get; } = new int[rows];
        public float[] BootstrapValues { get; } = new float[setup.UnrollSteps + 1];
        public float[] PrefixMasks { get; } = new float[setup.UnrollSteps];
        public float[] Observations { get; } = new float[rows * setup.StackedObservationSize];
        public int[] FreshTarget { get; } = new int[rows];
        public InferenceBuffers Outputs { get; } = new(shape, rows);
        public SearchResults Results { get; } = new(rows, setup.ActionCount);
    }
}
