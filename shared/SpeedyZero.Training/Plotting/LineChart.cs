namespace SpeedyZero.Training.Plotting;

/// <summary>One named line of (x, y) points.</summary>
public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>A horizontal reference line, e.g. a "solved" threshold or a random-policy score.</summary>
public sealed record ReferenceLine(string Name, double Y);

/// <summary>What one chart shows; <see cref="ChartSheet"/> draws it.</summary>
public sealed record LineChart(string Title, string XLabel, IReadOnlyList<Series> Series)
{
    public IReadOnlyList<ReferenceLine> References { get; init; } = [];
}
