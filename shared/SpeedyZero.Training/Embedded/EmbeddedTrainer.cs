using System.Diagnostics;
using System.Text.Json;
using Spectre.Console;
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
/// Writes metrics, curves, checkpoints and a summary into the run folder.
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
            buffer = ReplayBuffer.Restore(setup.PriorityOptions, Checkpoint.LoadReplay(folder.CheckpointPath), (int)config.Run.Seed + 11);
        }
        else
        {
            buffer = new ReplayBuffer(setup.PriorityOptions, (int)config.Run.Seed + 11);
        }

        var clock = new InMemoryRunClock(resumed?.EnvSteps ?? 0, resumed?.LearnerSteps ?? 0);
        var segmentsChannel = new InMemorySegmentChannel();
        var replay = new InMemoryReplayClient(buffer);
        var batches = new InMemoryBatchQueue(config.Reanalyze.QueueCapacity);
        var weights = new InMemoryWeightsChannel();
        var stats = new TrainingStats();
        using var log = new MetricsLog(folder.MetricsPath, TimeSpan.FromSeconds(resumed?.ElapsedSeconds ?? 0));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var roles = new RoleThreads(stop);
        var targetVersion = resumed?.TargetVersion ?? 0;
        var randomReturn = RandomPolicyReference.Ensure(setup, log, folder.MetricsPath, stop.Token);

        // Evaluations run beside training on the latest requested weights; a newer request replaces a waiting one.
        using var evaluator = new EvaluatorRole(setup);
        var evaluations = new EvaluationQueue();
        var evaluationSeed = (ulong)config.Run.Seed + 1_000_003;
        var best = new BestWeights(folder);

        void Evaluate(EvaluationRequest request)
        {
            var played = evaluator.Run(request.Weights, evaluationSeed, stop.Token);
            var step = request.LearnerStep;
            var result = new EvaluationResult(step, request.EnvSteps, played.Returns);
            stats.RecordEvaluation(result);
            best.Offer(result, request.Weights);
            log.Write("eval",
            [
                new("learner_steps", step), new("env_steps", result.EnvSteps), new("return_mean", result.Mean),
                new("return_std", result.StandardDeviation), new("return_min", result.Min), new("return_max", result.Max),
                new("episodes", result.Returns.Count), new("length_mean", played.MeanLength), new("length_max", played.Lengths.Max()),
            ]);
        }

        void SaveCheckpoint(long step)
        {
            var target = Blocking.Wait(weights.GetNewerAsync(WeightsKind.Target, -1, stop.Token));
            Checkpoint.Save(folder.CheckpointPath, learnerModel, target?.Weights ?? learnerModel.ExportWeights(), buffer.Snapshot(), new RunState
            {
                LearnerSteps = step,
                EnvSteps = clock.EnvSteps,
                Episodes = stats.Episodes + (resumed?.Episodes ?? 0),
                ElapsedSeconds = log.Elapsed.TotalSeconds,
                TargetVersion = target?.Version ?? step,
            });
        }

        var learner = new LearnerRole(setup, learnerModel, batches, replay, weights, clock, stats)
        {
            Evaluate = (step, w) => evaluations.Request(new EvaluationRequest(step, clock.EnvSteps, w)),
            Checkpoint = SaveCheckpoint,
            Stepped = s =>
            {
                if (s.Step % 10 == 0)
                {
                    log.Write("learner",
                    [
                        new("learner_steps", s.Step), new("env_steps", clock.EnvSteps), new("loss_total", s.Total),
                        new("loss_policy", s.Policy), new("loss_value", s.Value), new("loss_value_prefix", s.ValuePrefix),
                        new("loss_consistency", s.Consistency), new("grad_norm", s.GradNorm), new("learning_rate", s.LearningRate),
                    ]);
                }
            },
        };
        learner.PublishInitialWeights(targetWeights, targetVersion, stop.Token);

        var ingest = Task.Run(async () =>
        {
            await foreach (var delivery in segmentsChannel.ReadAllAsync(stop.Token))
            {
                if (buffer.Add(delivery.Value)) stats.RecordSegmentStored();
                await delivery.AckAsync();
            }
        }, stop.Token);

        var seed = config.Run.Seed;
        var segmentIds = SegmentIds.ForNewIncarnation();
        roles.Start("actor", t => new ActorRole(setup, segmentsChannel, weights, clock, stats, segmentIds, seed * 7919 + (resumed?.EnvSteps ?? 0)).Run(t));
        for (var w = 0; w < config.Reanalyze.Workers; w++)
        {
            var workerSeed = seed * 104729 + w + 1 + (resumed?.LearnerSteps ?? 0);
            roles.Start($"reanalyzer-{w}", t => new ReanalyzerRole(setup, replay, batches, weights, clock, stats, workerSeed).Run(t));
        }

        if (config.Refresh.Enabled)
        {
            roles.Start("priority-refresh", t => new PriorityRefreshRole(setup, replay, weights, clock, stats).Run(t));
        }

        roles.Start("evaluator", t => evaluations.Serve(Evaluate, t));
        var learnerThread = roles.Start("learner", learner.Run);

        Watch(setup, clock, buffer, batches, stats, log, learnerThread, stop.Token);

        // The learner finished (or something failed): final evaluation and checkpoint, then stop the rest.
        var failure = roles.Failure;
        if (failure is null && !cancellationToken.IsCancellationRequested)
        {
            evaluations.Drain();
            try
            {
                Evaluate(new EvaluationRequest(learnerModel.Step, clock.EnvSteps, learnerModel.ExportWeights()));
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

        LearningCurves.Write(folder.MetricsPath, folder.CurvesPath, config.Env.Name, SolvedReturn(config));
        // Evaluations of the whole run, earlier segments of a resumed one included.
        var runEvaluations = RunReport.EvaluationsIn(MetricsLog.Read(folder.MetricsPath));
        var summary = TrainingSummary.From(config, stats, runEvaluations, clock, log.Elapsed, folder, resumed, buffer.Status, randomReturn);
        File.WriteAllText(folder.SummaryPath, JsonSerializer.Serialize(summary, new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
        return summary;
    }

    // Samples progress every second, shows it, logs it every few seconds, refreshes the curves.
    private void Watch(TrainingSetup setup, InMemoryRunClock clock, ReplayBuffer buffer, InMemoryBatchQueue batches,
        TrainingStats stats, MetricsLog log, Thread learner, CancellationToken cancellationToken)
    {
        var config = setup.Config;
        var title = $"SpeedyZero · {config.Env.Name} · seed {config.Run.Seed}";
        var mode = request.Progress == ProgressMode.Auto
            ? (ProgressView.IsLiveTerminal ? ProgressMode.Auto : ProgressMode.Lines)
            : request.Progress;
        var started = Stopwatch.StartNew();
        var lastLog = TimeSpan.Zero;
        var lastLine = TimeSpan.Zero;
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
                stats.RefreshedPositions, stats.LastTrainStep, stats.Evaluations.LastOrDefault());
            if (now - previous.Time >= 4) previous = (now, env, learnerSteps);
            return snapshot;
        }

        void Tick(Action<ProgressSnapshot>? show)
        {
            var snapshot = Sample();
            show?.Invoke(snapshot);
            if (started.Elapsed - lastLog >= TimeSpan.FromSeconds(5))
            {
                lastLog = started.Elapsed;
                log.Write("progress", snapshot.AsMetrics());
            }

            if (mode == ProgressMode.Lines && started.Elapsed - lastLine >= TimeSpan.FromSeconds(10))
            {
                lastLine = started.Elapsed;
                Console.WriteLine(ProgressView.Line(snapshot));
            }

            if (started.Elapsed - lastCurves >= TimeSpan.FromSeconds(request.CurvesEverySeconds))
            {
                lastCurves = started.Elapsed;
                LearningCurves.Write(request.Folder.MetricsPath, request.Folder.CurvesPath, config.Env.Name, SolvedReturn(config));
            }
        }

        if (mode == ProgressMode.Auto)
        {
            AnsiConsole.Live(ProgressView.Render(title, Sample())).Start(context =>
            {
                while (learner.IsAlive && !cancellationToken.IsCancellationRequested)
                {
                    learner.Join(TimeSpan.FromSeconds(1));
                    Tick(s => context.UpdateTarget(ProgressView.Render(title, s)));
                }
            });
            return;
        }

        while (learner.IsAlive && !cancellationToken.IsCancellationRequested)
        {
            learner.Join(TimeSpan.FromSeconds(1));
            Tick(null);
        }
    }

    private static double? SolvedReturn(Config.TrainingConfig config) => config.Eval.SolvedReturn;
}
