using SpeedyZero.Reporting.Plots;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Embedded;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Bench.Suites;

/// <summary>
/// Sample efficiency and wall clock of the embedded trainer: Catch, then the CartPole preset for
/// seeds 0, 1, 2 (the bar: greedy return >= 475 within 20k env steps). Minutes per run.
/// </summary>
public sealed class LearningBench : IBenchSuite
{
    public string Name => "learning";

    public string Description => "embedded training: Catch, and CartPole seeds 0-2 to a greedy return of 475 within 20k env steps";

    public Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        Train(report, "catch", 0, cancellationToken);
        for (var seed = 0; seed < 3; seed++)
        {
            Train(report, "cartpole", seed, cancellationToken);
        }

        return Task.CompletedTask;
    }

    private static void Train(BenchReport report, string preset, long seed, CancellationToken cancellationToken)
    {
        var config = ConfigLoader.Load(preset, null, new Dictionary<string, string>(), [$"run.seed={seed}"]);
        var folder = RunFolder.CreateNew(Path.Combine(Path.GetTempPath(), "speedyzero-bench"), config.Env.Name, seed);
        File.WriteAllText(folder.ConfigPath, ConfigLoader.ToYaml(config));
        var summary = new EmbeddedTrainer(new TrainRequest(config, folder, Resume: false) { Curves = LearningCurves.Write }).Run(cancellationToken);

        var name = $"{preset} seed {seed}";
        report.Add($"{name}: final greedy return", summary.FinalReturnMean, "return", $"mean of {summary.FinalEpisodes} episodes at {summary.EnvSteps:N0} env steps");
        report.Add($"{name}: best greedy return", summary.BestReturnMean, "return");
        report.Add($"{name}: env steps to solve", summary.SolvedAtEnvSteps ?? double.NaN, "env steps",
            summary.SolvedAtEnvSteps is null ? $"never reached {summary.SolvedReturn}" : $"first eval >= {summary.SolvedReturn}");
        report.Add($"{name}: wall clock", summary.WallClockSeconds, "s", folder.Root);
    }
}
