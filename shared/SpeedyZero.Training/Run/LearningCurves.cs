using SpeedyZero.Training.Plotting;

namespace SpeedyZero.Training.Run;

/// <summary>
/// Draws a run's curves from its metrics file: returns (against the random-policy reference and the
/// solved target, when the run has them), total loss, loss components, throughput.
/// </summary>
public static class LearningCurves
{
    public static void Write(string metricsPath, string imagePath, string title, double? solvedReturn = null)
    {
        var records = MetricsLog.Read(metricsPath);
        var evals = records.Where(r => r.Kind == "eval").ToList();
        var learner = records.Where(r => r.Kind == "learner").ToList();
        var progress = records.Where(r => r.Kind == "progress").ToList();

        var returns = new LineChart($"{title}: return", "env steps",
        [
            Line("greedy eval (mean)", evals, "env_steps", "return_mean"),
            Line("self-play (last 20)", progress, "env_steps", "recent_return"),
        ]) { References = References(RandomPolicyReference.Read(records), solvedReturn) };

        var total = new LineChart("loss (total)", "learner steps", [Line("total", learner, "learner_steps", "loss_total")]);
        var parts = new LineChart("loss components", "learner steps",
        [
            Line("policy", learner, "learner_steps", "loss_policy"),
            Line("value", learner, "learner_steps", "loss_value"),
            Line("value prefix", learner, "learner_steps", "loss_value_prefix"),
            Line("consistency", learner, "learner_steps", "loss_consistency"),
        ]);
        var speed = new LineChart("throughput", "seconds",
        [
            Line("env steps/s", progress, "time_s", "env_steps_per_s"),
            Line("learner steps/s x10", progress, "time_s", "learner_steps_per_s", 10),
        ]);

        Png.WriteFile(imagePath, ChartSheet.Render([returns, total, parts, speed]));
    }

    /// <summary>Several runs on one image, one panel each: greedy evaluations against the run's random-policy return and solved target.</summary>
    public static void WriteComparison(IReadOnlyList<RunReport> runs, string imagePath)
    {
        var charts = runs.Select(run => new LineChart($"{run.Environment}, seed {run.Seed}", "env steps",
            [new Series("greedy eval (mean)", run.Evaluations.Select(e => ((double)e.EnvSteps, e.Mean)).ToList())])
        {
            References = References(run.RandomReturn, run.SolvedReturn),
        }).ToList();
        Png.WriteFile(imagePath, ChartSheet.Render(charts));
    }

    private static List<ReferenceLine> References(double? randomReturn, double? solvedReturn)
    {
        var lines = new List<ReferenceLine>();
        if (randomReturn is { } random) lines.Add(new ReferenceLine($"random policy {random:0.##}", random));
        if (solvedReturn is { } solved) lines.Add(new ReferenceLine($"target {solved:0.##}", solved));
        return lines;
    }

    private static Series Line(string name, IEnumerable<MetricsRecord> records, string x, string y, double scale = 1) =>
        new(name, records
            .Select(r => (X: r.Get(x), Y: r.Get(y)))
            .Where(p => p.X is not null && p.Y is not null)
            .Select(p => (p.X!.Value, p.Y!.Value * scale))
            .ToList());
}
