using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Training.Run;

/// <summary>
/// The random-policy return a run's curves and summary are read against. Played once per run
/// (random episodes cost microseconds to milliseconds) and kept in the metrics file as a
/// <c>baseline</c> record, so a resumed run, its plot and its summary all read the same number.
/// </summary>
public static class RandomPolicyReference
{
    /// <summary>Enough episodes for a standard error well under the spread of a greedy evaluation.</summary>
    public const int Episodes = 200;

    private const string Kind = "baseline";

    /// <summary>The run's reference: the one already in its metrics file, or a new one played now and written there.</summary>
    public static double Ensure(TrainingSetup setup, MetricsLog log, string metricsPath, CancellationToken cancellationToken)
    {
        if (Read(MetricsLog.Read(metricsPath)) is { } recorded)
        {
            return recorded;
        }

        var (mean, standardDeviation) = Play(setup, cancellationToken);
        log.Write(Kind, [new("episodes", Episodes), new("return_mean", mean), new("return_std", standardDeviation)]);
        return mean;
    }

    /// <summary>Plays the reference of a run with this setup (the same episodes every time: seeded from the run's seed).</summary>
    public static (double Mean, double StandardDeviation) Play(TrainingSetup setup, CancellationToken cancellationToken)
    {
        var returns = RandomPolicyBaseline.Play(setup, Episodes, (ulong)setup.Config.Run.Seed + 2_000_003, cancellationToken);
        return (returns.Average(), returns.StandardDeviation());
    }

    /// <summary>The mean random-policy return recorded in a metrics file, if any.</summary>
    public static double? Read(IEnumerable<MetricsRecord> records) =>
        records.FirstOrDefault(r => r.Kind == Kind)?.Get("return_mean");
}
