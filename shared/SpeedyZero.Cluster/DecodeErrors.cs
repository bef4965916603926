using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace SpeedyZero.Cluster;

/// <summary>
/// Malformed messages: counted in <c>speedyzero_messages_decode_errors_total{subject}</c>, logged
/// once per subject (with the reason), never fatal.
/// </summary>
public sealed class DecodeErrors(IMetricFactory metrics, ILogger logger)
{
    private readonly Counter counter = metrics.CreateCounter("speedyzero_messages_decode_errors_total",
        "Messages rejected as malformed, by subject.", ["subject"]);
    private readonly ConcurrentDictionary<string, bool> logged = new(StringComparer.Ordinal);

    /// <summary>Creates the series at start so rate() sees the first error.</summary>
    public void Track(string subject) => counter.WithLabels(subject);

    public void Reject(string subject, Exception error)
    {
        counter.WithLabels(subject).Inc();
        if (logged.TryAdd(subject, true))
        {
            logger.LogWarning("Rejected a malformed message on {Subject}: {Error} (further ones on this subject are only counted)",
                subject, error.Message);
        }
    }

    public double Count(string subject) => counter.WithLabels(subject).Value;
}
