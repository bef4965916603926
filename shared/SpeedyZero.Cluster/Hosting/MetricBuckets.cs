namespace SpeedyZero.Cluster.Hosting;

/// <summary>Histogram bucket layouts of the roles' metrics (docs/metrics.md); dashboards depend on them.</summary>
public static class MetricBuckets
{
    /// <summary>Latencies from 0.5 ms to 10 s, in seconds.</summary>
    public static readonly double[] Seconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Batch build times, 10 ms doubling to about 20 s.</summary>
    public static readonly double[] BatchSeconds = Prometheus.Histogram.ExponentialBuckets(0.01, 2, 12);
}
