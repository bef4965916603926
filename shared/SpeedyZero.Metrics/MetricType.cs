namespace SpeedyZero.Metrics;

/// <summary>Metric types of the text format's TYPE line.</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
