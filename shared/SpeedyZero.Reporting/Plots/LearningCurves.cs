using ScottPlot;
using SpeedyZero.Reporting.Runs;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Reporting.Plots;

/// <summary>
/// A run's curves.png, drawn from its metrics file: returns against env steps (greedy evaluations,
/// their spread across episodes, self-play, the random-policy return and the solved target), the
/// total loss, the loss components, throughput and resident memory beside the replay's size; and <c>speedyzero report --plot</c>'s runs side by side.
/// </summary>
public static class LearningCurves
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();
    private static readonly Color Evaluation = Palette.GetColor(0), SelfPlay = Palette.GetColor(1);
    private static readonly Color RandomPolicy = Colors.Gray, Target = Colors.Green;

    /// <summary>Draws curves.png from the run's metrics file as it is now (the run recorder's curves).</summary>
    public static void Write(RunFolder folder, TrainingConfig config) =>
        Figure.Save(Panels(MetricsLog.Read(folder.MetricsPath), config.Env.Name, config.Eval.SolvedReturn), folder.CurvesPath);

    /// <summary>The five panels of curves.png; a panel without data says so.</summary>
    public static IReadOnlyList<Plot> Panels(IReadOnlyList<MetricsRecord> records, string title, double? solvedReturn)
    {
        var learner = records.Where(r => r.Kind == "learner").ToList();
        var progress = records.Where(r => r.Kind == "progress").ToList();

        var returns = Figure.Panel($"{title}: return", "env steps", "episode return");
        var evaluated = Evaluations(returns, EvaluationPoint.AllIn(records));
        var played = Figure.Line(returns, $"self-play (mean of last {TrainingStats.RecentWindow})",
            Points(progress, "env_steps", "recent_return"), SelfPlay) is not null;
        References(returns, RandomPolicyReference.Read(records), solvedReturn);
        if (!evaluated && !played) Figure.Message(returns, "no evaluations or episodes yet");

        var total = Figure.Panel("loss (total)", "learner steps", "loss");
        if (Figure.Line(total, "total", Points(learner, "learner_steps", "loss_total"), Palette.GetColor(0)) is null)
        {
            Figure.Message(total, "no learner steps yet");
        }

        var parts = Figure.Panel("loss components", "learner steps", "loss");
        (string Name, string Key)[] losses =
            [("policy", "loss_policy"), ("value", "loss_value"), ("value prefix", "loss_value_prefix"), ("consistency", "loss_consistency")];
        var components = losses
            .Select((loss, i) => Figure.Line(parts, loss.Name, Points(learner, "learner_steps", loss.Key), Palette.GetColor(i)))
            .Count(line => line is not null);
        if (components == 0) Figure.Message(parts, "no learner steps yet");

        var speed = Figure.Panel("throughput", "wall clock (s)", "env steps/s");
        var env = Figure.Line(speed, "env steps/s (left axis)", Points(progress, "time_s", "env_steps_per_s"), Palette.GetColor(0));
        var learned = Figure.Line(speed, "learner steps/s (right axis)", Points(progress, "time_s", "learner_steps_per_s"), Palette.GetColor(1));
        if (learned is not null) Figure.OnRightAxis(speed, learned, "learner steps/s");

        if (env is null && learned is null) Figure.Message(speed, "no progress records yet");

        // Once the replay is full, memory should stay flat: a climb past that is a leak, not data.
        // (A cluster learner records no replay size: its replay lives in another process.)
        var memory = Figure.Panel("memory", "env steps", "resident memory (MiB)");
        IEnumerable<(double X, double Y)> MiB(string key) => Points(progress, "env_steps", key).Select(p => (p.X, p.Y / 1048576.0));
        var resident = Figure.Line(memory, "resident memory (left axis)", MiB("resident_memory_bytes"), Palette.GetColor(0));
        // The managed part, so that a climb can be told apart: .NET objects or native memory (older runs lack it).
        Figure.Line(memory, "of it managed (left axis)", MiB("managed_memory_bytes"), Palette.GetColor(2));
        var stored = Figure.Line(memory, "replay transitions (right axis)", Points(progress, "env_steps", "replay_transitions").Where(p => p.Y > 0), Palette.GetColor(1));
        if (stored is not null) Figure.OnRightAxis(memory, stored, "replay transitions");

        if (resident is null && stored is null) Figure.Message(memory, "no memory records yet");
        return [returns, total, parts, speed, memory];
    }

    /// <summary>Draws several runs into one PNG, one panel each, in the order given.</summary>
    public static void WriteComparison(IReadOnlyList<RunReport> runs, string imagePath) => Figure.Save(Comparison(runs), imagePath);

    /// <summary>One panel per run: its greedy evaluations (mean and spread) against its random-policy return, solved target and published baselines.</summary>
    public static IReadOnlyList<Plot> Comparison(IReadOnlyList<RunReport> runs) => runs.Select(run =>
    {
        var panel = Figure.Panel($"{run.Environment}, seed {run.Seed}", "env steps", "greedy return");
        var evaluated = Evaluations(panel, run.Evaluations);
        References(panel, run.RandomReturn, run.SolvedReturn);
        var baselines = PublishedBaselines.For(run.Environment);
        for (var i = 0; i < baselines.Count; i++) Figure.Reference(panel, baselines[i].Label, baselines[i].Return, Palette.GetColor(3 + i));
        if (!evaluated) Figure.Message(panel, "no evaluations yet");
        return panel;
    }).ToList();

    // The mean of each evaluation, over a band of one standard deviation across its episodes where it recorded one.
    private static bool Evaluations(Plot plot, IReadOnlyList<EvaluationPoint> evaluations)
    {
        Figure.Band(plot, "± 1 std across episodes",
            evaluations.Select(e => ((double)e.EnvSteps, e.Mean - e.StandardDeviation, e.Mean + e.StandardDeviation)), Evaluation);
        return Figure.Line(plot, "greedy eval (mean)", evaluations.Select(e => ((double)e.EnvSteps, e.Mean)), Evaluation, markers: true) is not null;
    }

    private static void References(Plot plot, double? randomReturn, double? solvedReturn)
    {
        if (randomReturn is { } random) Figure.Reference(plot, $"random policy {random:0.##}", random, RandomPolicy);
        if (solvedReturn is { } solved) Figure.Reference(plot, $"target {solved:0.##}", solved, Target);
    }

    private static IEnumerable<(double X, double Y)> Points(IEnumerable<MetricsRecord> records, string x, string y) => records
        .Select(r => (X: r.Get(x), Y: r.Get(y)))
        .Where(p => p.X is not null && p.Y is not null)
        .Select(p => (p.X!.Value, p.Y!.Value));
}
