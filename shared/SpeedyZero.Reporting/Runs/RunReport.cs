using SpeedyZero.Training.Config;
using SpeedyZero.Training.Run;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Reporting.Runs;

/// <summary>
/// How far a run got and how well it plays, read from its folder alone (config.yaml and
/// metrics.jsonl), so finished, stopped and still running runs can be compared side by side. A run
/// from before the random-policy reference was recorded gets it played now (the same seeded episodes).
/// </summary>
public sealed record RunReport(
    string Folder,
    string Environment,
    long Seed,
    long EnvSteps,
    long PlannedEnvSteps,
    double ElapsedSeconds,
    IReadOnlyList<EvaluationPoint> Evaluations,
    double RandomReturn,
    double? SolvedReturn)
{
    public EvaluationPoint? Last => Evaluations.Count > 0 ? Evaluations[^1] : null;

    public EvaluationPoint? Best => Evaluations.Count > 0 ? Evaluations.MaxBy(e => e.Mean) : null;

    /// <summary>The first evaluation at or above the environment's solved return (<c>eval.solved_return</c>), if it has one and got there.</summary>
    public EvaluationPoint? FirstSolved => SolvedReturn is { } target ? Evaluations.FirstOrDefault(e => e.Mean >= target) : null;

    /// <summary>Reads a run folder; a folder without config.yaml or metrics.jsonl is not a run (<see cref="ArgumentException"/>).</summary>
    public static RunReport Read(string directory)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var configPath = Path.Combine(root, "config.yaml");
        var metricsPath = Path.Combine(root, "metrics.jsonl");
        foreach (var path in new[] { configPath, metricsPath })
        {
            if (!File.Exists(path)) throw new ArgumentException($"{root} is not a run folder: it has no {Path.GetFileName(path)}");
        }

        var config = ConfigLoader.Load(null, configPath, new Dictionary<string, string>(), []);
        var records = MetricsLog.Read(metricsPath);
        var envSteps = records.Select(r => r.Get("env_steps") ?? 0).DefaultIfEmpty(0).Max();
        var elapsed = records.Select(r => r.Get("time_s") ?? 0).DefaultIfEmpty(0).Max();
        var random = RandomPolicyReference.Read(records) ?? RandomPolicyReference.Play(new TrainingSetup(config), CancellationToken.None).Mean;
        return new RunReport(root, config.Env.Name, config.Run.Seed, (long)envSteps, config.Run.EnvSteps, elapsed, EvaluationPoint.AllIn(records), random,
            config.Eval.SolvedReturn);
    }
}
