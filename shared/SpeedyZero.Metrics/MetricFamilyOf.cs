using System.Collections.Concurrent;
using System.Text;

namespace SpeedyZero.Metrics;

/// <summary>
/// Family with series of type <typeparamref name="TSeries"/>. Looking a series up takes a dictionary
/// lookup; hot paths keep the series object returned by <see cref="WithLabels"/> and update it directly.
/// </summary>
public abstract class MetricFamily<TSeries> : MetricFamily
    where TSeries : class
{
    private readonly ConcurrentDictionary<string[], TSeries> series = new(LabelValuesComparer.Instance);
    private TSeries? unlabeled;

    private protected MetricFamily(string name, string help, MetricType type, string[] labelNames)
        : base(name, help, type, labelNames)
    {
    }

    /// <summary>The series for these label values (one per label name, in order), created on first use.</summary>
    public TSeries WithLabels(params string[] labelValues)
    {
        ArgumentNullException.ThrowIfNull(labelValues);
        if (labelValues.Length != LabelNames.Count)
        {
            throw new ArgumentException(
                $"'{Name}' has labels ({string.Join(", ", LabelNames)}); got {labelValues.Length} value(s)", nameof(labelValues));
        }

        if (series.TryGetValue(labelValues, out var existing))
        {
            return existing;
        }

        foreach (var value in labelValues)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(labelValues));
        }

        var copy = (string[])labelValues.Clone();
        return series.GetOrAdd(copy, CreateSeries(copy));
    }

    /// <summary>The only series of a family without labels.</summary>
    private protected TSeries Unlabeled
        => unlabeled ?? (LabelNames.Count == 0
            ? unlabeled = WithLabels()
            : throw new InvalidOperationException($"'{Name}' has labels ({string.Join(", ", LabelNames)}): use WithLabels"));

    private protected abstract TSeries CreateSeries(string[] labelValues);

    private protected abstract void RenderOne(StringBuilder output, string[] labelValues, TSeries series);

    private protected override void RenderSeries(StringBuilder output)
    {
        // A family without labels always shows its series, 0 before the first update.
        if (LabelNames.Count == 0)
        {
            _ = Unlabeled;
        }

        // Sorted, so the exposition is stable from scrape to scrape.
        foreach (var (labels, one) in series.OrderBy(p => p.Key, LabelValuesComparer.Instance))
        {
            RenderOne(output, labels, one);
        }
    }
}
