using SpeedyZero.Engine;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using Prometheus;
using SpeedyZero.Cluster.Channels;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Core.Replay;
using SpeedyZero.Reporting.Plots;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Roles.Learner;
using SpeedyZero.Training.Roles.Replay;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>
/// Learner service: resumes from the checkpoint in learner.run_dir when there is one, trains on
/// batches from the work queue, publishes priorities and weights, asks the evaluator for an
/// evaluation every eval.every steps and records the results, checkpoints every
/// learner.checkpoint_every steps, on SIGTERM (after finishing the step in flight) and at the
/// end. At the end it asks for a final evaluation, writes the run's curves and summary, then marks
/// the run finished. Its run folder has the layout of <c>speedyzero train</c>'s (<see cref="RunRecorder"/>).
/// </summary>
public static class LearnerRunner
{
    /// <summary>How long the final evaluation may take before the learner finishes without it.</summary>
    public static readonly TimeSpan FinalEvaluationTimeout = TimeSpan.FromMinutes(30);

    /// <summary>How long the weights of an evaluation request stay in Redis.</summary>
    private static readonly TimeSpan EvaluationWeightsLifetime = TimeSpan.FromHours(1);

    public static async Task RunAsync(HostContext host, CancellationToken cancellationToken)
    {
        var cluster = host.Cluster;
        var names = cluster.Names;
        var setup = host.Setup;
        var stats = host.Stats;
        var folder = new RunFolder(host.Config.Learner.RunDir);
        var directory = folder.CheckpointPath;
        using var model = setup.CreateModel();
        byte[]? targetWeights = null;
        long targetVersion = 0;
        RunState? resumed = null;
        if (Checkpoint.Exists(directory))
        {
            Checkpoint.LoadModel(directory, model);
            targetWeights = Checkpoint.LoadTargetWeights(directory);
            resumed = Checkpoint.LoadState(directory);
            targetVersion = resumed.TargetVersion;
            host.Logger.LogInformation("Resuming from the checkpoint in {Directory} at learner step {Step}", directory, model.Step);
        }
        else
        {
            host.Logger.LogInformation("No checkpoint in {Directory}: starting at step 0", directory);
        }

        using var recorder = new RunRecorder(setup, folder, resumed, stats, LearningCurves.Write, cancellationToken);
        await using var clock = await NatsRunClock.StartAsync(cluster, cancellationToken);
        await using var weights = new RedisWeightsChannel(cluster);
        var replay = new NatsReplayClient(cluster, "learner");
        await using var queue = new JetStreamBatchQueue(cluster, setup.Config.Learner.BatchSize, setup.UnrollSteps, setup.StackedObservationSize, setup.ActionCount);
        var timed = new TimedBatchQueue(queue);
        cluster.DecodeErrors.Track(names.EvaluationResults);
        await using var results = await cluster.Nats.SubscribeCoreAsync<byte[]>(names.EvaluationResults,
            opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 64 } }, cancellationToken: cancellationToken);
        await host.MarkListeningAsync(cancellationToken);

        var m = host.Metrics;
        var consumed = m.CreateCounter("speedyzero_batches_consumed_total", "Training batches taken from the work queue and trained on.");
        var steps = m.CreateCounter("speedyzero_learner_steps_total", "Optimiser steps taken by this process.");
        var stepGauge = m.CreateGauge("speedyzero_learner_step", "The training step, continuing from the checkpoint after a restart.");
        var loss = m.CreateGauge("speedyzero_learner_loss", "Loss of the last step.", ["component"]);
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
        using var backgroundStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lagPoller = ConsumerLagPoller.RunAsync(cluster, names.BatchStream, ClusterNames.LearnerConsumer, backgroundStop.Token);

        // Evaluation requests leave the learner's thread through a channel (the newest replaces a
        // waiting one, as in speedyzero train); results come back on their subject and go into the
        // run folder. One not recorded when the learner stops stays owed in the checkpoint.
        var evaluationRequests = Channel.CreateBounded<EvaluationRequest>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var owed = new OwedEvaluations(request => evaluationRequests.Writer.TryWrite(request));

        if (resumed is not null && Checkpoint.LoadPendingEvaluation(directory, resumed) is { } unrecorded)
        {
            host.Logger.LogInformation("Asking again for the evaluation at learner step {Step}, owed when the learner stopped", unrecorded.LearnerStep);
            owed.Ask(unrecorded);
        }

        var requester = Task.Run(async () =>
        {
            await foreach (var request in evaluationRequests.Reader.ReadAllAsync(backgroundStop.Token))
            {
                try
                {
                    await cluster.Nats.PublishAsync(names.EvaluationRequests, await StoreEvaluationRequestAsync(cluster, request), cancellationToken: backgroundStop.Token);
                }
                catch (Exception e) when (e is NatsException or StackExchange.Redis.RedisException)
                {
                    host.Logger.LogWarning("Asking for the evaluation at learner step {Step} failed: {Error}", request.LearnerStep, e.Message);
                }
            }
        }, CancellationToken.None);
        var recording = Task.Run(async () =>
        {
            await foreach (var message in results.Msgs.ReadAllAsync(backgroundStop.Token))
            {
                await RecordAsync(cluster, recorder, owed, message.Data, names.EvaluationResults, host.Logger);
            }
        }, CancellationToken.None);
        var progress = Task.Run(() => WriteProgressAsync(recorder, clock, stats, backgroundStop.Token), CancellationToken.None);

        var targetCopy = new TargetWeightsCopy(weights);
        void SaveCheckpoint(long step)
        {
            var target = targetCopy.Read(model, step, CancellationToken.None);
            var emptyReplay = new ReplaySnapshot(new PriorityIndexState(0, 1f, 0, 0, [], []), []);
            Checkpoint.Save(directory, model, target.Weights, emptyReplay, new RunState
            {
                LearnerSteps = step,
                EnvSteps = clock.EnvSteps,
                ElapsedSeconds = recorder.Log.Elapsed.TotalSeconds,
                TargetVersion = target.Version,
            }, owed.Oldest());
            checkpoints.Inc();
            lastCheckpoint.Set(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
            host.Logger.LogInformation("Checkpoint at learner step {Step} written to {Directory}", step, directory);
        }

        var trainedSeconds = 0.0;
        double? firstBatchWait = null; // start-up: the reanalyzers load weights and build their first batch
        var learner = new LearnerRole(setup, model, timed, replay, new PublishedWeights(weights, published, host.Config), clock, stats)
        {
            Checkpoint = SaveCheckpoint,
            Evaluate = (step, w) => owed.Ask(new EvaluationRequest(step, clock.EnvSteps, w)),
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
                recorder.RecordStep(s, clock.EnvSteps);
            },
        };
        learner.PublishInitialWeights(targetWeights, targetVersion, cancellationToken);
        await HostContext.RunOnThread("learner", learner.Run, cancellationToken);

        // Done or draining: the step in flight has finished (the loop checks the token between steps).
        if (!cancellationToken.IsCancellationRequested)
        {
            var final = model.ExportWeights();
            await FinalEvaluationAsync(cluster, recorder, owed, new EvaluationRequest(model.Step, clock.EnvSteps, final), host.Logger);
            recorder.RecordFinalWeights(final);
        }

        SaveCheckpoint(model.Step);
        await clock.FlushAsync(CancellationToken.None);
        await backgroundStop.CancelAsync();
        await Task.WhenAll(requester, recording, progress, lagPoller).ContinueWith(_ => { }, TaskScheduler.Default);
        if (!cancellationToken.IsCancellationRequested)
        {
            await weights.PublishAsync(WeightsKind.SelfPlay, model.Step, model.ExportWeights(), CancellationToken.None);
            var status = await replay.GetStatusAsync(CancellationToken.None);
            recorder.Finish(clock.EnvSteps, model.Step, status);
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
        else
        {
            recorder.WriteCurves();
        }
    }

    /// <summary>Puts the weights where the evaluator reads them and returns the request naming them.</summary>
    private static async Task<byte[]> StoreEvaluationRequestAsync(ClusterContext cluster, EvaluationRequest request)
    {
        var key = cluster.Names.EvaluationWeights(request.LearnerStep);
        await cluster.RedisAsync(db => db.StringSetAsync(key, request.Weights, EvaluationWeightsLifetime));
        return Wire.Encode(new EvaluationRequestMessage { LearnerStep = request.LearnerStep, EnvSteps = request.EnvSteps, WeightsKey = key });
    }

    /// <summary>Asks the evaluator for the final evaluation and records it; without an evaluator (no responders) the run ends without one.</summary>
    private static async Task FinalEvaluationAsync(ClusterContext cluster, RunRecorder recorder, OwedEvaluations owed, EvaluationRequest request, ILogger logger)
    {
        try
        {
            var payload = await StoreEvaluationRequestAsync(cluster, request);
            logger.LogInformation("Asking for the final evaluation at learner step {Step}", request.LearnerStep);
            var reply = await cluster.Nats.RequestAsync<byte[], byte[]>(cluster.Names.EvaluationRequests, payload,
                replyOpts: new NatsSubOpts { Timeout = FinalEvaluationTimeout });
            await RecordAsync(cluster, recorder, owed, reply.Data, cluster.Names.EvaluationRequests, logger);
        }
        catch (NatsNoRespondersException)
        {
            logger.LogWarning("No evaluator is running: the run ends without a final evaluation");
        }
        catch (Exception e) when (e is NatsException or StackExchange.Redis.RedisException)
        {
            logger.LogWarning("The final evaluation failed: {Error}", e.Message);
        }
    }

    /// <summary>Records an evaluator's report in the run folder (metrics.jsonl, best.weights), with the weights it evaluated.</summary>
    private static async Task RecordAsync(ClusterContext cluster, RunRecorder recorder, OwedEvaluations owed, byte[]? data, string subject, ILogger logger)
    {
        EvaluationReport report;
        try
        {
            report = Wire.Decode<EvaluationReport>(data ?? []);
        }
        catch (FormatException e)
        {
            cluster.DecodeErrors.Reject(subject, e);
            return;
        }

        var weights = await cluster.RedisAsync(db => db.StringGetAsync(cluster.Names.EvaluationWeights(report.LearnerStep)));
        var played = new GreedyEpisodes([.. report.Returns!.ToArray<float>().Select(r => (double)r)], report.Lengths!.ToArray<int>());
        var result = recorder.RecordEvaluation(report.LearnerStep, report.EnvSteps, played, weights.IsNull ? null : (byte[])weights!);
        owed.Recorded(report.LearnerStep);
        logger.LogInformation("Evaluation at learner step {Step}: mean return {Return:0.0} over {Episodes} episodes",
            report.LearnerStep, result.Mean, result.Returns.Count);
    }

    /// <summary>A progress record every 5 s (env and learner steps and their rates), as speedyzero train writes.</summary>
    private static async Task WriteProgressAsync(RunRecorder recorder, IRunClock clock, TrainingStats stats, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        (double Time, long Env, long Learner) previous = (0, clock.EnvSteps, clock.LearnerSteps);
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
                var now = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var (env, learner) = (clock.EnvSteps, clock.LearnerSteps);
                var dt = Math.Max(now - previous.Time, 1e-3);
                recorder.Log.Write("progress", new ProgressSnapshot(recorder.Log.Elapsed.TotalSeconds, env, 0, learner, 0, double.NaN,
                    (env - previous.Env) / dt, (learner - previous.Learner) / dt, 0, 0, 0, stats.LearnerWaitSeconds, 0, null, null,
                    ProcessMemory.Now()).AsMetrics());
                previous = (now, env, learner);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>Remembers when the last batch was taken, to time the step that follows.</summary>
    private sealed class TimedBatchQueue(IBatchQueue inner) : IBatchQueue
    {
        private long takenAt = Stopwatch.GetTimestamp();

        public TimeSpan SinceLastTake => Stopwatch.GetElapsedTime(Interlocked.Read(ref takenAt));

        public int Count => inner.Count;

        public TrainBatch Rent() => inner.Rent();

        public ValueTask PublishAsync(TrainBatch batch, CancellationToken cancellationToken) => inner.PublishAsync(batch, cancellationToken);

        public void Return(TrainBatch batch) => inner.Return(batch);

        public async ValueTask<TrainBatch> TakeAsync(CancellationToken cancellationToken)
        {
            var batch = await inner.TakeAsync(cancellationToken);
            Interlocked.Exchange(ref takenAt, Stopwatch.GetTimestamp());
            return batch;
        }
    }

    /// <summary>Records the newest self-play version published.</summary>
    private sealed class PublishedWeights(IWeightsChannel inner, Gauge published, TrainingConfig config) : IWeightsChannel
    {
        public async ValueTask PublishAsync(WeightsKind kind, long version, ReadOnlyMemory<byte> weights, CancellationToken cancellationToken)
        {
            await inner.PublishAsync(kind, version, weights, cancellationToken);
            if (kind == WeightsKind.SelfPlay) published.Set(WeightsVersions.Publication(version, kind, config));
        }

        public ValueTask<long?> ReadNewerAsync(WeightsKind kind, long haveVersion, WeightsReader read, CancellationToken cancellationToken) =>
            inner.ReadNewerAsync(kind, haveVersion, read, cancellationToken);
    }
}
