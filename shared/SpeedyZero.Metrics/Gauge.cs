using System.Text;

namespace SpeedyZero.Metrics;

/// <summary>A gauge family: a value that goes up and down.</summary>
public sealed class Gauge : MetricFamily<GaugeSeries>
{
    internal Gauge(string name, string help, string[] labelNames)
        : base(name, help, MetricType.Gauge, labelNames)
    {
    }

    public void Set(double value) => Unlabeled.Set(value);

    public void Inc(double amount = 1) => Unlabeled.Inc(amount);

    public void Dec(double amount = 1) => Unlabeled.Dec(amount);

    public double Value => Unlabeled.Value;

    private protected override GaugeSeries CreateSeries(string[] labelValues) => new();

    private protected override void RenderOne(StringBuilder output, string[] labelValues, GaugeSeries series)
    {
        output.Append(Name);
        TextFormat.AppendLabels(output, LabelNames, labelValues);
        output.Append(' ').Append(TextFormat.FormatValue(series.Value)).Append('\n');
    }
}
