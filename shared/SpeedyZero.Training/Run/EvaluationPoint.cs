namespace SpeedyZero.Training.Run;

/// <summary>
/// One greedy evaluation of a run, as its metrics file recorded it (<paramref name="LearnerSteps"/> and
/// <paramref name="Episodes"/> 0 where the line lacks them, <paramref name="StandardDeviation"/> NaN).
/// </summary>
public sealed record EvaluationPoint(long EnvSteps, long LearnerSteps, double Mean, double StandardDeviation, int Episodes)
{
    /// <summary>The evaluations among a run's metrics records, in the order they were made.</summary>
    public static IReadOnlyList<EvaluationPoint> AllIn(IEnumerable<MetricsRecord> records) => records
        .Where(r => r.Kind == "eval" && r.Get("env_steps") is not null && r.Get("return_mean") is not null)
        .Select(r => new EvaluationPoint((long)r.Get("env_steps")!.Value, (long)(r.Get("learner_steps") ?? 0), r.Get("return_mean")!.Value,
            r.Get("return_std") ?? double.NaN, (int)(r.Get("episodes") ?? 0)))
        .ToList();
}
