using SpeedyZero.Metrics;

namespace SpeedyZero.Metrics.Tests;

/// <summary>The text format, byte for byte.</summary>
public sealed class ExpositionTests
{
    [Fact]
    public void Small_registry_renders_exactly()
    {
        var registry = new MetricsRegistry();
        var segments = registry.CreateCounter("replay_segments_stored_total", "Segments stored in Redis.");
        segments.Inc();
        segments.Inc(2);
        var depth = registry.CreateGauge("replay_queue_depth", "Segments waiting.", "queue");
        depth.WithLabels("in").Set(3);
        depth.WithLabels("dead").Set(-1.5);
        var latency = registry.CreateHistogram("redis_command_duration_seconds", "Redis round trips.", [0.001, 0.01, 0.1], "command");
        var get = latency.WithLabels("GET");
        get.Observe(0.0005);
        get.Observe(0.001);
        get.Observe(0.05);
        get.Observe(3);

        Assert.Equal(
            """
            # HELP replay_segments_stored_total Segments stored in Redis.
            # TYPE replay_segments_stored_total counter
            replay_segments_stored_total 3
            # HELP replay_queue_depth Segments waiting.
            # TYPE replay_queue_depth gauge
            replay_queue_depth{queue="dead"} -1.5
            replay_queue_depth{queue="in"} 3
            # HELP redis_command_duration_seconds Redis round trips.
            # TYPE redis_command_duration_seconds histogram
            redis_command_duration_seconds_bucket{command="GET",le="0.001"} 2
            redis_command_duration_seconds_bucket{command="GET",le="0.01"} 2
            redis_command_duration_seconds_bucket{command="GET",le="0.1"} 3
            redis_command_duration_seconds_bucket{command="GET",le="+Inf"} 4
            redis_command_duration_seconds_sum{command="GET"} 3.0515
            redis_command_duration_seconds_count{command="GET"} 4

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            registry.Render());
    }

    [Fact]
    public void Label_values_and_help_are_escaped()
    {
        var registry = new MetricsRegistry();
        registry.CreateGauge("odd_values", "Help with \\ and\nnewline \"quoted\".", "path").WithLabels("C:\\dir\n\"x\"").Set(1);
        Assert.Equal(
            "# HELP odd_values Help with \\\\ and\\nnewline \"quoted\".\n" +
            "# TYPE odd_values gauge\n" +
            "odd_values{path=\"C:\\\\dir\\n\\\"x\\\"\"} 1\n",
            registry.Render());
    }

    [Fact]
    public void Special_values_are_spelled_the_prometheus_way()
    {
        Assert.Equal("+Inf", TextFormat.FormatValue(double.PositiveInfinity));
        Assert.Equal("-Inf", TextFormat.FormatValue(double.NegativeInfinity));
        Assert.Equal("NaN", TextFormat.FormatValue(double.NaN));
        Assert.Equal("1E+21", TextFormat.FormatValue(1e21));
        Assert.Equal("0.1", TextFormat.FormatValue(0.1));
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_le_inclusive()
    {
        var registry = new MetricsRegistry();
        var histogram = registry.CreateHistogram("batch_size_ratio", "x", Buckets.Linear(0.25, 0.25, 4));
        foreach (var v in new[] { 0.0, 0.25, 0.26, 0.5, 0.75, 1.0, 1.5, double.NaN })
        {
            histogram.Observe(v);
        }

        var lines = registry.Render().Split('\n').Where(l => l.StartsWith("batch_size_ratio_bucket", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            ["batch_size_ratio_bucket{le=\"0.25\"} 2", "batch_size_ratio_bucket{le=\"0.5\"} 4", "batch_size_ratio_bucket{le=\"0.75\"} 5",
             "batch_size_ratio_bucket{le=\"1\"} 6", "batch_size_ratio_bucket{le=\"+Inf\"} 8"],
            lines);
        Assert.Equal(8, histogram.WithLabels().Count);
    }

    [Fact]
    public void Concurrent_increments_are_not_lost()
    {
        var registry = new MetricsRegistry();
        var counter = registry.CreateCounter("work_items_total", "x", "worker");
        var histogram = registry.CreateHistogram("work_duration_seconds", "x", Buckets.DefaultSeconds);
        Parallel.For(0, 8, w =>
        {
            var series = counter.WithLabels((w % 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
            for (var i = 0; i < 50_000; i++)
            {
                series.Inc();
                histogram.Observe(0.001);
            }
        });
        Assert.Equal(400_000, counter.WithLabels("0").Value + counter.WithLabels("1").Value);
        Assert.Equal(400_000, histogram.WithLabels().Count);
        Assert.Equal(400, histogram.WithLabels().Sum, 6);
    }

    [Fact]
    public void Family_without_labels_shows_zero_before_first_use()
    {
        var registry = new MetricsRegistry();
        registry.CreateGauge("idle_workers", "x");
        Assert.Equal("# HELP idle_workers x\n# TYPE idle_workers gauge\nidle_workers 0\n", registry.Render());
    }

    [Fact]
    public void Family_with_labels_but_no_series_renders_only_help_and_type()
    {
        var registry = new MetricsRegistry();
        registry.CreateCounter("nothing_yet_total", "x", "a");
        Assert.Equal("# HELP nothing_yet_total x\n# TYPE nothing_yet_total counter\n", registry.Render());
    }
}
