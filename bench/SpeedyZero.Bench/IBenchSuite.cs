namespace SpeedyZero.Bench;

/// <summary>One benchmark suite: measures, and records named figures in the report.</summary>
public interface IBenchSuite
{
    /// <summary>Short name used on the command line and for the results file.</summary>
    string Name { get; }

    /// <summary>One line saying what the suite measures.</summary>
    string Description { get; }

    Task RunAsync(BenchReport report, CancellationToken cancellationToken);
}
