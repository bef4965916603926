using System.Buffers;

namespace SpeedyZero.Metrics;

/// <summary>
/// Name rules, enforced when a metric is created so a bad name fails at start-up, not in a dashboard:
/// Prometheus' character set (no colons: those are for recording rules); counters end in <c>_total</c> and
/// nothing else does; base units only (seconds, bytes, ratio), so no <c>_ms</c>, <c>_milliseconds</c>,
/// <c>_kb</c>, <c>_percent</c>...; histograms avoid the suffixes their series add.
/// </summary>
public static class MetricNames
{
    private static readonly SearchValues<char> NameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    private static readonly Dictionary<string, string> NonBaseUnits = new(StringComparer.Ordinal)
    {
        ["ms"] = "seconds", ["milliseconds"] = "seconds", ["us"] = "seconds", ["microseconds"] = "seconds",
        ["ns"] = "seconds", ["nanoseconds"] = "seconds", ["minutes"] = "seconds", ["hours"] = "seconds", ["days"] = "seconds",
        ["kb"] = "bytes", ["mb"] = "bytes", ["gb"] = "bytes", ["kilobytes"] = "bytes", ["megabytes"] = "bytes", ["gigabytes"] = "bytes",
        ["bits"] = "bytes", ["percent"] = "ratio", ["pct"] = "ratio",
    };

    /// <summary>Throws <see cref="ArgumentException"/> saying which rule <paramref name="name"/> breaks.</summary>
    public static void Validate(string name, MetricType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (char.IsAsciiDigit(name[0]) || name.AsSpan().IndexOfAnyExcept(NameChars) >= 0)
        {
            throw new ArgumentException($"metric name '{name}' must match [a-zA-Z_][a-zA-Z0-9_]* (colons are reserved for recording rules)", nameof(name));
        }

        var isTotal = name.EndsWith("_total", StringComparison.Ordinal);
        if (type == MetricType.Counter && !isTotal)
        {
            throw new ArgumentException($"counter '{name}' must end with _total (e.g. '{name}_total')", nameof(name));
        }

        if (type != MetricType.Counter && isTotal)
        {
            throw new ArgumentException($"{type.ToString().ToLowerInvariant()} '{name}' must not end with _total: that suffix is for counters", nameof(name));
        }

        if (type == MetricType.Histogram && (name.EndsWith("_bucket", StringComparison.Ordinal)
            || name.EndsWith("_sum", StringComparison.Ordinal) || name.EndsWith("_count", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"histogram '{name}' must not end with _bucket, _sum or _count: its series add those", nameof(name));
        }

        foreach (var word in name.Split('_'))
        {
            if (NonBaseUnits.TryGetValue(word.ToLowerInvariant(), out var baseUnit))
            {
                throw new ArgumentException($"metric '{name}' uses the unit '{word}': use the base unit '{baseUnit}' in the name and scale the value", nameof(name));
            }
        }
    }

    /// <summary>Label names: identifier characters, not reserved (__*), unique, and no 'le' on histograms.</summary>
    public static void ValidateLabels(string metric, IReadOnlyList<string> labels, MetricType type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            if (string.IsNullOrEmpty(label) || char.IsAsciiDigit(label[0]) || label.AsSpan().IndexOfAnyExcept(NameChars) >= 0)
            {
                throw new ArgumentException($"label '{label}' of '{metric}' must match [a-zA-Z_][a-zA-Z0-9_]*", nameof(labels));
            }

            if (label.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"label '{label}' of '{metric}' starts with __, which Prometheus reserves", nameof(labels));
            }

            if (type == MetricType.Histogram && label == "le")
            {
                throw new ArgumentException($"histogram '{metric}' cannot have a label 'le': its buckets use it", nameof(labels));
            }

            if (!seen.Add(label))
            {
                throw new ArgumentException($"label '{label}' appears twice on '{metric}'", nameof(labels));
            }
        }
    }
}
