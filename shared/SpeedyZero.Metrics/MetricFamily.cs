using System.Text;

namespace SpeedyZero.Metrics;

/// <summary>A named metric with HELP text and label names; holds one series per label-value combination.</summary>
public abstract class MetricFamily
{
    private protected MetricFamily(string name, string help, MetricType type, string[] labelNames)
    {
        MetricNames.Validate(name, type);
        ArgumentException.ThrowIfNullOrWhiteSpace(help);
        MetricNames.ValidateLabels(name, labelNames, type);
        Name = name;
        Help = help;
        Type = type;
        LabelNames = labelNames;
    }

    public string Name { get; }

    public string Help { get; }

    public MetricType Type { get; }

    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>Appends HELP, TYPE and every series in the text format.</summary>
    internal void Render(StringBuilder output)
    {
        output.Append("# HELP ").Append(Name).Append(' ');
        TextFormat.AppendHelp(output, Help);
        output.Append("\n# TYPE ").Append(Name).Append(' ').Append(Type.ToString().ToLowerInvariant()).Append('\n');
        RenderSeries(output);
    }

    private protected abstract void RenderSeries(StringBuilder output);
}
