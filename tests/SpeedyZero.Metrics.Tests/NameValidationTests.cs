using SpeedyZero.Metrics;

namespace SpeedyZero.Metrics.Tests;

/// <summary>Naming conventions enforced at creation, with messages that say what to do.</summary>
public sealed class NameValidationTests
{
    private readonly MetricsRegistry registry = new();

    [Theory]
    [InlineData("requests", "must end with _total")]
    [InlineData("9lives_total", "must match")]
    [InlineData("has-dash_total", "must match")]
    [InlineData("job:rate_total", "recording rules")]
    [InlineData("latency_ms_total", "base unit 'seconds'")]
    [InlineData("payload_kb_total", "base unit 'bytes'")]
    public void Bad_counter_names_are_refused(string name, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => registry.CreateCounter(name, "x"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_rules()
    {
        Assert.Contains("must not end with _total", Assert.Throws<ArgumentException>(() => registry.CreateGauge("queue_total", "x")).Message, StringComparison.Ordinal);
        Assert.Contains("_bucket", Assert.Throws<ArgumentException>(() => registry.CreateHistogram("x_count", "x", [1])).Message, StringComparison.Ordinal);
        Assert.Contains("'le'", Assert.Throws<ArgumentException>(() => registry.CreateHistogram("x_seconds", "x", [1], "le")).Message, StringComparison.Ordinal);
        Assert.Contains("reserves", Assert.Throws<ArgumentException>(() => registry.CreateGauge("g_bytes", "x", "__name")).Message, StringComparison.Ordinal);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => registry.CreateGauge("g_bytes", "x", "a", "a")).Message, StringComparison.Ordinal);
        Assert.Contains("increase", Assert.Throws<ArgumentException>(() => registry.CreateHistogram("h_seconds", "x", [1, 1])).Message, StringComparison.Ordinal);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => registry.CreateHistogram("h_seconds", "x", [1, double.PositiveInfinity])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => registry.CreateGauge("g_ratio", " "));
    }

    [Fact]
    public void Same_definition_returns_the_same_family_and_conflicts_fail()
    {
        var a = registry.CreateCounter("events_total", "x", "kind");
        Assert.Same(a, registry.CreateCounter("events_total", "x", "kind"));
        Assert.Contains("already exists", Assert.Throws<ArgumentException>(() => registry.CreateGauge("events_total", "x")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => registry.CreateCounter("events_total", "x", "other"));
    }

    [Fact]
    public void Label_values_must_match_label_names()
    {
        var counter = registry.CreateCounter("labelled_total", "x", "a", "b");
        Assert.Contains("has labels (a, b)", Assert.Throws<ArgumentException>(() => counter.WithLabels("only-one")).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => counter.Inc());
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.WithLabels("x", "y").Inc(-1));
        Assert.Same(counter.WithLabels("x", "y"), counter.WithLabels("x", "y"));
    }
}
