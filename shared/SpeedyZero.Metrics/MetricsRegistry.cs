using System.Text;

namespace SpeedyZero.Metrics;

/// <summary>
/// The metrics of one process: creates families (validating names once, at creation) and renders them in
/// the text format, in creation order. Creating a name twice with the same type and labels returns the
/// existing family; any other reuse of a name is an error.
/// </summary>
public sealed class MetricsRegistry
{
    private readonly Lock gate = new();
    private readonly List<MetricFamily> families = [];
    private readonly Dictionary<string, MetricFamily> byName = new(StringComparer.Ordinal);

    public Counter CreateCounter(string name, string help, params string[] labelNames)
        => GetOrAdd(name, MetricType.Counter, labelNames, () => new Counter(name, help, labelNames));

    public Gauge CreateGauge(string name, string help, params string[] labelNames)
        => GetOrAdd(name, MetricType.Gauge, labelNames, () => new Gauge(name, help, labelNames));

    /// <summary>A histogram with these finite, increasing upper bounds (see <see cref="Buckets"/>).</summary>
    public Histogram CreateHistogram(string name, string help, double[] buckets, params string[] labelNames)
        => GetOrAdd(name, MetricType.Histogram, labelNames, () => new Histogram(name, help, (double[])buckets.Clone(), labelNames));

    /// <summary>The whole exposition (text format 0.0.4).</summary>
    public string Render()
    {
        MetricFamily[] snapshot;
        lock (gate)
        {
            snapshot = [.. families];
        }

        var output = new StringBuilder(256 * snapshot.Length);
        foreach (var family in snapshot)
        {
            family.Render(output);
        }

        return output.ToString();
    }

    private T GetOrAdd<T>(string name, MetricType type, string[] labelNames, Func<T> create)
        where T : MetricFamily
    {
        ArgumentNullException.ThrowIfNull(labelNames);
        lock (gate)
        {
            if (byName.TryGetValue(name, out var existing))
            {
                if (existing is T same && existing.LabelNames.SequenceEqual(labelNames, StringComparer.Ordinal))
                {
                    return same;
                }

                throw new ArgumentException(
                    $"metric '{name}' already exists as a {existing.Type} with labels ({string.Join(", ", existing.LabelNames)})", nameof(name));
            }

            var family = create();
            families.Add(family);
            byName.Add(name, family);
            return family;
        }
    }
}
