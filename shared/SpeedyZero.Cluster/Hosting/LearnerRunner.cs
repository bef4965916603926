using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SpeedyZero.Cluster.Channels;
using SpeedyZero.Core.Replay;
using Prometheus;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Roles.Learner;
using SpeedyZero.Training.Roles.Replay;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>
/// Learner service: resumes from learner.checkpoint_dir when a checkpoint is there, trains on
/// batches from the work queue, sends priorities to the replay, publishes weights, checkpoints
/// every learner.checkpoint_every steps, on SIGTERM (after finishing the step in flight) and at
/// the end, then marks the run finished.
/// </summary>
public static class LearnerRunner
{
    public static async Task RunAsync(HostContext host, CancellationToken cancellationToken)
    {
        var cluster = host.Cluster;
        var setup = host.Setup;
        var stats = host.Stats;
        var directory = host.Config.Learner.CheckpointDir;
        using var model = setup.CreateModel();
        byte[]? targetWeights = null;
        long targetVersion = 0;
        if (Checkpoint.Exists(directory))
        {
            Checkpoint.LoadModel(directory, model);
            targetWeights = Checkpoint.LoadTargetWeights(directory);
            targetVersion = Checkpoint.LoadState(directory).TargetVersion;
            host.Logger.LogInformation("Resuming from the checkpoint in {Directory} at learner step {Step}", directory, model.Step);
        }
        else
        {
            host.Logger.LogInformation("No checkpoint in {Directory}: starting at step 0", directory);
        }

        await using var clock = await NatsRunClock.StartAsync(cluster, cancellationToken);
        await using var weights = new RedisWeightsChannel(cluster);
        var replay = new NatsReplayClient(cluster, "learner");
        var queue = new JetStreamBatchQueue(cluster, setup.Config.Learner.BatchSize, setup.UnrollSteps, setup.StackedObservationSize, setup.ActionCount);
        var timed = new TimedBatchQueue(queue);
        await host.MarkListeningAsync(cancellationToken);

        var m = host.Metrics;
        var consumed = m.CreateCounter("speedyzero_batches_consumed_total", "Training batches taken from the work queue and trained on.");
        var steps = m.CreateCounter("speedyzero_learner_steps_total", "Optimiser steps taken by this process.");
        var stepGauge = m.CreateGauge("speedyzero_learner_step", "The training step, continuing from the checkpoint after a restart.");
        var loss = m.CreateGauge("speedyzero_learner_loss", "Loss of the last step.", "component");
        var learningRate = m.CreateGauge("speedyzero_learner_learning_rate", "Learning rate of the last step.");
        var gradNorm = m.CreateGauge("speedyzero_learner_gradient_norm", "Global gradient norm before clipping.");
        var stepDuration = m.CreateHistogram("speedyzero_learner_step_duration_seconds", "Time of one optimiser step, excluding the wait for the batch.",
            new HistogramConfiguration { Buckets = MetricBuckets.Seconds });
        var waited = m.CreateCounter("speedyzero_learner_batch_wait_seconds_total", "Time spent waiting for a training batch.");
        var checkpoints = m.CreateCounter("speedyzero_learner_checkpoints_total", "Checkpoints written.");
        var lastCheckpoint = m.CreateGauge("speedyzero_learner_last_checkpoint_timestamp_seconds", "When the last checkpoint was written, Unix seconds.");
        var published = m.CreateGauge("speedyzero_weights_version_published", "Version of the latest weights written to Redis and announced.");
        foreach (var c in new[] { "total", "policy", "value", "value_prefix", "consistency" }) loss.WithLabels(c);
        stepGauge.Set(model.Step);
        host.AddSampler(() => waited.IncTo(stats.LearnerWaitSeconds));
        using var pollerStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lagPoller = ConsumerLagPoller.RunAsync(cluster, cluster.Names.BatchStream, ClusterNames.LearnerConsumer, pollerStop.Token);

        void SaveCheckpoint(long step)
        {
            var target = weights.GetNewerAsync(WeightsKind.Target, -1, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            var emptyReplay = new ReplaySnapshot(new PriorityIndexState(0, 1f, 0, 0, [], []), []);
            Checkpoint.Save(directory, model, target?.Weights ?? model.ExportWeights(), emptyReplay, new RunState
            {
                LearnerSteps = step,
                EnvSteps = clock.EnvSteps,
                TargetVersion = target?.Version ?? step,
            });
            checkpoints.Inc();
            lastCheckpoint.Set(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
            host.Logger.LogInformation("Checkpoint at learner step {Step} written to {Directory}", step, directory);
        }

        var trainedSeconds = 0.0;
        double? firstBatchWait = null; // start-up: the reanalyzers load weights and build their first batch
        var learner = new LearnerRole(setup, model, timed, replay, new PublishedWeights(weights, published, host.Config), clock, stats)
        {
            Checkpoint = SaveCheckpoint,
            Stepped = s =>
            {
                consumed.Inc();
                steps.Inc();
                stepGauge.Set(s.Step);
                var stepSeconds = timed.SinceLastTake.TotalSeconds;
                firstBatchWait ??= stats.LearnerWaitSeconds;
                trainedSeconds += stepSeconds;
                stepDuration.Observe(stepSeconds);
                loss.WithLabels("total").Set(s.Total);
                loss.WithLabels("policy").Set(s.Policy);
                loss.WithLabels("value").Set(s.Value);
                loss.WithLabels("value_prefix").Set(s.ValuePrefix);
                loss.WithLabels("consistency").Set(s.Consistency);
                learningRate.Set(s.LearningRate);
                gradNorm.Set(s.GradNorm);
            },
        };
        learner.PublishInitialWeights(targetWeights, targetVersion, cancellationToken);
        await HostContext.RunOnThread("learner", learner.Run, cancellationToken);

        // Done or draining: the step in flight has finished (the loop checks the token between steps).
        SaveCheckpoint(model.Step);
        await clock.FlushAsync(CancellationToken.None);
        if (!cancellationToken.IsCancellationRequested)
        {
            await weights.PublishAsync(WeightsKind.SelfPlay, model.Step, model.ExportWeights(), CancellationToken.None);
            await RunControl.MarkFinishedAsync(cluster, model.Step, CancellationToken.None);
            // Time blocked on the batch queue against time spent waiting plus training (pauses for
            // the actors, under the ratio, are neither); the steady share leaves out the wait for
            // the first batch, which is start-up rather than reanalyzers falling behind.
            var waitSeconds = stats.LearnerWaitSeconds;
            var steadyWait = waitSeconds - (firstBatchWait ?? 0);
            host.Logger.LogInformation(
                "Run finished at learner step {Step}; waited {WaitSeconds:0.0} s for batches ({FirstBatchWaitSeconds:0.0} s of it for the first), trained {TrainSeconds:0.0} s: wait share {WaitShare:0.0%}, after the first batch {SteadyWaitShare:0.0%}",
                model.Step, waitSeconds, firstBatchWait ?? 0, trainedSeconds, Share(waitSeconds), Share(steadyWait));

            double Share(double wait) => wait + trainedSeconds > 0 ? wait / (wait + trainedSeconds) : 0;
        }

        await pollerStop.CancelAsync();
        await lagPoller;
    }

    /// <summary>Remembers when the last batch was taken, to time the step that follows.</summary>
    private sealed class TimedBatchQueue(IBatchQueue inner) : IBatchQueue
    {
        private long takenAt = Stopwatch.GetTimestamp();

        public TimeSpan SinceLastTake => Stopwatch.GetElapsedTime(Interlocked.Read(ref takenAt));

        public int Count => inner.Count;

        public ValueTask PublishAsync(TrainingBatch batch, CancellationToken cancellationToken) => inner.PublishAsync(batch, cancellationToken);

        public async ValueTask<TrainingBatch> TakeAsync(CancellationToken cancellationToken)
        {
            var batch = await inner.TakeAsync(cancellationToken);
            Interlocked.Exchange(ref takenAt, Stopwatch.GetTimestamp());
            return batch;
        }
    }

    /// <summary>Records the newest self-play version published.</summary>
    private sealed class PublishedWeights(IWeightsChannel inner, Gauge published, TrainingConfig config) : IWeightsChannel
    {
        public async ValueTask PublishAsync(WeightsKind kind, long version, byte[] weights, CancellationToken cancellationToken)
        {
            await inner.PublishAsync(kind, version, weights, cancellationToken);
            if (kind == WeightsKind.SelfPlay) published.Set(WeightsVersions.Publication(version, kind, config));
        }

        public ValueTask<WeightsVersion?> GetNewerAsync(WeightsKind kind, long haveVersion, CancellationToken cancellationToken) =>
            inner.GetNewerAsync(kind, haveVersion, cancellationToken);
    }
}
