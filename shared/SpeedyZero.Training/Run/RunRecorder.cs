using SpeedyZero.Engine;
using System.Text.Json;
using SpeedyZero.Core.Replay;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Training.Run;

/// <summary>
/// A run's outputs, written the same way by the embedded trainer and by the cluster's learner:
/// config.yaml, metrics.jsonl (the random-policy reference, a learner record every 10 steps, one
/// record per evaluation), best.weights with best.json, curves.png and summary.json.
/// </summary>
public sealed class RunRecorder : IDisposable
{
    /// <summary>Learner steps between two learner records in metrics.jsonl.</summary>
    public const int LearnerRecordEvery = 10;

    private static readonly JsonSerializerOptions SummaryJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly TrainingConfig config;
    private readonly BestWeights best;
    private readonly RunState? resumed;
    private readonly Action<RunFolder, TrainingConfig>? drawCurves;

    /// <summary>
    /// Opens the run's files (appending to a resumed run's) and makes sure the random-policy reference
    /// is recorded. <paramref name="drawCurves"/> draws curves.png (SpeedyZero.Reporting's
    /// <c>LearningCurves.Write</c>); without it the run has no curves.png.
    /// </summary>
    public RunRecorder(TrainingSetup setup, RunFolder folder, RunState? resumed, TrainingStats stats,
        Action<RunFolder, TrainingConfig>? drawCurves, CancellationToken cancellationToken)
    {
        config = setup.Config;
        Folder = folder;
        Stats = stats;
        this.resumed = resumed;
        this.drawCurves = drawCurves;
        File.WriteAllText(folder.ConfigPath, ConfigLoader.ToYaml(config));
        Log = new MetricsLog(folder.MetricsPath, TimeSpan.FromSeconds(resumed?.ElapsedSeconds ?? 0));
        if (resumed is not null)
        {
            // A new process from here: readers of metrics.jsonl (memory-report.py) split the run at this record.
            Log.Write("resume", [new("env_steps", resumed.EnvSteps), new("learner_steps", resumed.LearnerSteps)]);
        }

        best = new BestWeights(folder);
        RandomReturn = RandomPolicyReference.Ensure(setup, Log, folder.MetricsPath, cancellationToken);
    }

    public RunFolder Folder { get; }

    public MetricsLog Log { get; }

    public TrainingStats Stats { get; }

    /// <summary>Mean return of the uniformly random policy (the curves' and summary's reference).</summary>
    public double RandomReturn { get; }

    /// <summary>Records a learner step (every <see cref="LearnerRecordEvery"/>th goes to metrics.jsonl).</summary>
    public void RecordStep(TrainResult s, long envSteps)
    {
        if (s.Step % LearnerRecordEvery != 0) return;
        Log.Write("learner",
        [
            new("learner_steps", s.Step), new("env_steps", envSteps), new("loss_total", s.Total),
            new("loss_policy", s.Policy), new("loss_value", s.Value), new("loss_value_prefix", s.ValuePrefix),
            new("loss_consistency", s.Consistency), new("grad_norm", s.GradNorm), new("learning_rate", s.LearningRate),
        ]);
    }

    /// <summary>
    /// Records one greedy evaluation: its metrics record, the run's statistics, and best.weights
    /// when it is the best so far (and its <paramref name="weights"/> are at hand).
    /// </summary>
    public EvaluationResult RecordEvaluation(long learnerStep, long envSteps, GreedyEpisodes played, byte[]? weights)
    {
        var result = new EvaluationResult(learnerStep, envSteps, played.Returns);
        Stats.RecordEvaluation(result);
        if (weights is not null) best.Offer(result, weights);
        Log.Write("eval",
        [
            new("learner_steps", learnerStep), new("env_steps", envSteps), new("return_mean", result.Mean),
            new("return_std", result.StandardDeviation), new("return_min", result.Min), new("return_max", result.Max),
            new("episodes", result.Returns.Count), new("length_mean", played.MeanLength), new("length_max", played.Lengths.Max()),
        ]);
        return result;
    }

    /// <summary>Writes final.weights: the weights a finished run ends with (those of its final evaluation).</summary>
    public void RecordFinalWeights(byte[] weights) => RunFolder.WriteAtomically(Folder.FinalWeightsPath, stream => stream.Write(weights));

    /// <summary>Draws curves.png from metrics.jsonl as it is now.</summary>
    public void WriteCurves() => drawCurves?.Invoke(Folder, config);

    /// <summary>Draws the final curves and writes summary.json (evaluations of the whole run, earlier segments of a resumed one included).</summary>
    public TrainingSummary Finish(long envSteps, long learnerSteps, ReplayStatus replay)
    {
        WriteCurves();
        var evaluations = EvaluationPoint.AllIn(MetricsLog.Read(Folder.MetricsPath));
        var summary = TrainingSummary.From(config, Stats, evaluations, envSteps, learnerSteps, Log.Elapsed, Folder, resumed, replay, RandomReturn);
        File.WriteAllText(Folder.SummaryPath, JsonSerializer.Serialize(summary, SummaryJson));
        return summary;
    }

    public void Dispose() => Log.Dispose();
}
