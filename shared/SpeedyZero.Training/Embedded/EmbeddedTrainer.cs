using System.Diagnostics;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.InMemory;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Roles;
using SpeedyZero.Training.Roles.Actor;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Roles.Learner;
using SpeedyZero.Training.Roles.Reanalyzer;
using SpeedyZero.Training.Roles.Replay;
using SpeedyZero.Training.Run;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Training.Embedded;

/// <summary>
/// All roles in one process, wired through the in-memory channels: one actor, the replay,
/// reanalysis workers, Priority Refresh, the learner and an evaluator, each on its own thread.
/// Writes metrics, checkpoints and a summary into the run folder, and curves.png with the request's <see cref="TrainRequest.Curves"/>.
/// </summary>
public sealed class EmbeddedTrainer(TrainRequest request)
{
    public TrainingSummary Run(CancellationToken cancellationToken)
    {
        var setup = new TrainingSetup(request.Config);
        var config = setup.Config;
        var folder = request.Folder;

        // Resume: the model, replay and counters of the last checkpoint.
        RunState? resumed = request.Resume && Checkpoint.Exists(folder.CheckpointPath) ? Checkpoint.LoadState(folder.CheckpointPath) : null;
        if (request.Resume && resumed is null)
        {
            throw new InvalidOperationException($"{folder.Root} has no checkpoint to resume from");
        }

        using var learnerModel = setup.CreateModel();
        byte[]? targetWeights = null;
        ReplayBuffer buffer;
        if (resumed is not null)
        {
            Checkpoint.LoadModel(folder.CheckpointPath, learnerModel);
            targetWeights = Checkpoint.LoadTargetWeights(folder.CheckpointPath);
            buffer = ReplayBuffer.Restore(setup.PriorityOptions, Checkpoint.LoadReplay(folder.CheckpointPath), RunSeeds.Replay(config));
        }
        else
        {
            buffer = new ReplayBuffer(setup.PriorityOptions, RunSeeds.Replay(config));
        }

        var clock = new InMemoryRunClock(resumed?.EnvSteps ?? 0, resumed?.LearnerSteps ?? 0);
        var segmentsChannel = new InMemorySegmentChannel();
        var replay = new InMemoryReplayClient(buffer);
        var batches = new InMemoryBatchQueue(config.Reanalyze.QueueCapacity,
            new TrainBatchPool(config.Learner.BatchSize, setup.UnrollSteps, setup.StackedObservationSize, setup.ActionCount));
        var weights = new InMemoryWeightsChannel();
        var stats = new TrainingStats();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var recorder = new RunRecorder(setup, folder, resumed, stats, request.Curves, stop.Token);
        var log = recorder.Log;
        var roles = new RoleThreads(stop);
        var targetVersion = resumed?.TargetVersion ?? 0;

        // Evaluations run beside training on the latest requested weights; a newer request replaces a waiting one.
        using var evaluator = new EvaluatorRole(setup);
        var evaluations = new EvaluationQueue();
        var owed = new OwedEvaluations(evaluations.Request);

        void Evaluate(EvaluationRequest request)
        {
            var played = evaluator.Run(request.Weights, RunSeeds.Evaluation(config), stop.Token);
            recorder.RecordEvaluation(request.LearnerStep, request.EnvSteps, played, request.Weights);
            owed.Recorded(request.LearnerStep);
        }

        var targetCopy = new TargetWeightsCopy(weights);
        ReplaySnapshot? replaySnapshot = null; // the last checkpoint's, its index arrays reused by the next
        void SaveCheckpoint(long step)
        {
            var target = targetCopy.Read(learnerModel, step, stop.Token);
            replaySnapshot = buffer.Snapshot(replaySnapshot);
            Checkpoint.Save(folder.CheckpointPath, learnerModel, target.Weights, replaySnapshot, new RunState
            {
                LearnerSteps = step,
                EnvSteps = clock.EnvSteps,
                Episodes = stats.Episodes + (resumed?.Episodes ?? 0),
                ElapsedSeconds = log.Elapsed.TotalSeconds,
                TargetVersion = target.Version,
            }, owed.Oldest());
        }

        var learner = new LearnerRole(setup, learnerModel, batches, replay, weights, clock, stats)
        {
            Evaluate = (step, w) => owed.Ask(new EvaluationRequest(step, clock.EnvSteps, w)),
            Checkpoint = SaveCheckpoint,
            Stepped = s => recorder.RecordStep(s, clock.EnvSteps),
        };
        learner.PublishInitialWeights(targetWeights, targetVersion, stop.Token);

        var ingest = Task.Run(async () =>
        {
            await foreach (var delivery in segmentsChannel.ReadAllAsync(stop.Token))
            {
                buffer.Add(delivery.Value);
                await delivery.AckAsync();
            }
        }, stop.Token);

        var segmentIds = SegmentIds.ForNewIncarnation();
        var actorSeed = RunSeeds.Actor(config, node: 0, clock.EnvSteps);
        roles.Start("actor", t => new ActorRole(setup, segmentsChannel, weights, clock, stats, segmentIds, actorSeed).Run(t));
        for (var w = 0; w < config.Reanalyze.Workers; w++)
        {
            var workerSeed = RunSeeds.Reanalyzer(config, node: 0, w, clock.LearnerSteps);
            roles.Start($"reanalyzer-{w}", t => new ReanalyzerRole(setup, replay, batches, weights, clock, stats, workerSeed).Run(t));
        }

        if (config.Refresh.Enabled)
        {
            roles.Start("priority-refresh", t => new PriorityRefreshRole(setup, replay, weights, clock, stats).Run(t));
        }

        // An evaluation the run owed when it stopped is played first: a stop never loses one.
        if (resumed is not null && Checkpoint.LoadPendingEvaluation(folder.CheckpointPath, resumed) is { } unrecorded)
        {
            owed.Ask(unrecorded);
        }

        roles.Start("evaluator", t => evaluations.Serve(Evaluate, t));
        var learnerThread = roles.Start("learner", learner.Run);

        Watch(setup, clock, buffer, batches, stats, recorder, learnerThread, stop.Token);

        // The learner finished (or something failed): final evaluation and checkpoint, then stop the rest.
        var failure = roles.Failure;
        if (failure is null && !cancellationToken.IsCancellationRequested)
        {
            evaluations.Drain();
            try
            {
                var final = learnerModel.ExportWeights();
                Evaluate(new EvaluationRequest(learnerModel.Step, clock.EnvSteps, final));
                recorder.RecordFinalWeights(final);
                SaveCheckpoint(learnerModel.Step);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped during the final evaluation: the checkpoint below keeps the run, and a resume plays it again.
            }
        }

        stop.Cancel();
        roles.JoinAll();
        try
        {
            ingest.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
        {
            // stopped
        }

        failure ??= roles.Failure;
        if (failure is null && cancellationToken.IsCancellationRequested)
        {
            // Interrupted: keep what was learned and collected, so --resume continues from here.
            SaveCheckpoint(learnerModel.Step);
        }

        if (failure is not null && failure is not RoleFailedException { InnerException: OperationCanceledException })
        {
            throw failure;
        }

        return recorder.Finish(clock.EnvSteps, clock.LearnerSteps, buffer.Status);
    }

    // Samples progress every second, shows it, logs it every few seconds and at the end, refreshes the curves.
    private void Watch(TrainingSetup setup, InMemoryRunClock clock, ReplayBuffer buffer, InMemoryBatchQueue batches,
        TrainingStats stats, RunRecorder recorder, Thread learner, CancellationToken cancellationToken)
    {
        var log = recorder.Log;
        var config = setup.Config;
        var started = Stopwatch.StartNew();
        var lastLog = TimeSpan.Zero;
        var lastCurves = TimeSpan.Zero;
        (double Time, long Env, long Learner) previous = (0, clock.EnvSteps, clock.LearnerSteps);

        ProgressSnapshot Sample()
        {
            var now = started.Elapsed.TotalSeconds;
            var env = clock.EnvSteps;
            var learnerSteps = clock.LearnerSteps;
            var dt = Math.Max(now - previous.Time, 1e-3);
            var snapshot = new ProgressSnapshot(log.Elapsed.TotalSeconds, env, config.Run.EnvSteps, learnerSteps,
                stats.Episodes, stats.RecentReturn, (env - previous.Env) / dt, (learnerSteps - previous.Learner) / dt,
                buffer.Status.Transitions, batches.Count, stats.ThrottledSeconds, stats.LearnerWaitSeconds,
                stats.RefreshedPositions, stats.LastTrainStep, stats.Evaluations.LastOrDefault(), ProcessMemory.Now());
            if (now - previous.Time >= 4) previous = (now, env, learnerSteps);
            return snapshot;
        }

        void Loop(Action<ProgressSnapshot> show)
        {
            while (learner.IsAlive && !cancellationToken.IsCancellationRequested)
            {
                learner.Join(TimeSpan.FromSeconds(1));
                var snapshot = Sample();
                show(snapshot);
                if (started.Elapsed - lastLog >= TimeSpan.FromSeconds(5))
                {
                    lastLog = started.Elapsed;
                    log.Write("progress", snapshot.AsMetrics());
                }

                if (started.Elapsed - lastCurves >= TimeSpan.FromSeconds(request.CurvesEverySeconds))
                {
                    lastCurves = started.Elapsed;
                    recorder.WriteCurves();
                }
            }
        }

        if (request.Progress is { } display)
        {
            display.Show($"SpeedyZero · {config.Env.Name} · seed {config.Run.Seed}", Sample(), Loop);
        }
        else
        {
            Loop(_ => { });
        }

        // The last reading, so that even a run shorter than the log interval has one.
        log.Write("progress", Sample().AsMetrics());
    }
}
