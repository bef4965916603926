using System.Text;

namespace SpeedyZero.Metrics;

/// <summary>A histogram family with fixed bucket upper bounds (+Inf is implicit).</summary>
public sealed class Histogram : MetricFamily<HistogramSeries>
{
    private readonly double[] bounds;
    private readonly string[] boundLabels;

    internal Histogram(string name, string help, double[] bounds, string[] labelNames)
        : base(name, help, MetricType.Histogram, ValidateBounds(name, bounds, labelNames))
    {
        this.bounds = bounds;
        boundLabels = bounds.Select(TextFormat.FormatValue).ToArray();
    }

    /// <summary>Upper bounds of the finite buckets, increasing.</summary>
    public IReadOnlyList<double> Buckets => bounds;

    public void Observe(double value) => Unlabeled.Observe(value);

    private protected override HistogramSeries CreateSeries(string[] labelValues) => new(bounds);

    private protected override void RenderOne(StringBuilder output, string[] labelValues, HistogramSeries series)
    {
        var counts = series.SnapshotCounts();
        long cumulative = 0;
        for (var i = 0; i <= bounds.Length; i++)
        {
            cumulative += counts[i];
            output.Append(Name).Append("_bucket");
            TextFormat.AppendLabels(output, LabelNames, labelValues, "le", i < bounds.Length ? boundLabels[i] : "+Inf");
            output.Append(' ').Append(cumulative).Append('\n');
        }

        output.Append(Name).Append("_sum");
        TextFormat.AppendLabels(output, LabelNames, labelValues);
        output.Append(' ').Append(TextFormat.FormatValue(series.Sum)).Append('\n');
        output.Append(Name).Append("_count");
        TextFormat.AppendLabels(output, LabelNames, labelValues);
        output.Append(' ').Append(cumulative).Append('\n');
    }

    private static string[] ValidateBounds(string name, double[] bounds, string[] labelNames)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        if (bounds.Length == 0)
        {
            throw new ArgumentException($"histogram '{name}' needs at least one bucket", nameof(bounds));
        }

        for (var i = 0; i < bounds.Length; i++)
        {
            if (!double.IsFinite(bounds[i]))
            {
                throw new ArgumentException($"histogram '{name}': bucket bounds must be finite (+Inf is added for you)", nameof(bounds));
            }

            if (i > 0 && bounds[i] <= bounds[i - 1])
            {
                throw new ArgumentException($"histogram '{name}': bucket bounds must increase strictly ({bounds[i - 1]} then {bounds[i]})", nameof(bounds));
            }
        }

        return labelNames;
    }
}
