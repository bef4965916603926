using System.Text;

namespace SpeedyZero.Metrics;

/// <summary>A counter family: values only go up (reset on restart). Name must end in _total.</summary>
public sealed class Counter : MetricFamily<CounterSeries>
{
    internal Counter(string name, string help, string[] labelNames)
        : base(name, help, MetricType.Counter, labelNames)
    {
    }

    /// <summary>Adds to the family's only series (families without labels).</summary>
    public void Inc(double amount = 1) => Unlabeled.Inc(amount);

    public double Value => Unlabeled.Value;

    private protected override CounterSeries CreateSeries(string[] labelValues) => new();

    private protected override void RenderOne(StringBuilder output, string[] labelValues, CounterSeries series)
    {
        output.Append(Name);
        TextFormat.AppendLabels(output, LabelNames, labelValues);
        output.Append(' ').Append(TextFormat.FormatValue(series.Value)).Append('\n');
    }
}
