namespace SpeedyZero.Metrics;

/// <summary>Where the metrics and health endpoints listen. Start from <see cref="Default"/>.</summary>
public sealed record MetricsHostOptions
{
    /// <summary>http://0.0.0.0:9090, 2 s per readiness check.</summary>
    public static MetricsHostOptions Default { get; } = new();

    /// <summary>Listen URL (http only); port 0 picks a free port, see <see cref="MetricsHost.Url"/>.</summary>
    public string Url { get; init; } = "http://0.0.0.0:9090";

    /// <summary>Each readiness check gets this long before it counts as not ready.</summary>
    public TimeSpan ReadinessCheckTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
