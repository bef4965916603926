using System.Net;
using Prometheus;
using SpeedyZero.Metrics;

namespace SpeedyZero.Metrics.Tests;

/// <summary>The Kestrel host on a free loopback port, called over real HTTP.</summary>
public sealed class MetricsHostTests
{
    [Fact]
    public async Task Serves_metrics_health_and_readiness()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        Prometheus.Metrics.WithCustomRegistry(registry).CreateCounter("scrape_test_events_total", "Events.").Inc(5);
        var readiness = new ReadinessChecks();
        var redisUp = false;
        readiness.Add("redis", () => redisUp);
        readiness.Add("nats", _ => ValueTask.FromResult(ReadinessResult.Ready("connected")));

        await using var host = await MetricsHost.StartAsync(MetricsHostOptions.Default with { Url = "http://127.0.0.1:0" }, registry, readiness);
        Assert.DoesNotContain(":0", host.Url, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(10) };

        var metrics = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        Assert.Contains("scrape_test_events_total 5\n", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var health = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok\n", await health.Content.ReadAsStringAsync());

        var notReady = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        var body = await notReady.Content.ReadAsStringAsync();
        Assert.Contains("FAIL redis", body, StringComparison.Ordinal);
        Assert.Contains("ok   nats: connected", body, StringComparison.Ordinal);

        redisUp = true;
        var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.StartsWith("ready\n", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync("/metrics", null)).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync("/readyz", null)).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.DeleteAsync("/nope")).StatusCode);
        using var head = new HttpRequestMessage(HttpMethod.Head, "/healthz");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(head)).StatusCode);
    }

    [Fact]
    public async Task Slow_or_throwing_checks_make_readiness_fail_with_a_reason()
    {
        var readiness = new ReadinessChecks();
        readiness.Add("slow", async token =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), token);
            return ReadinessResult.Ready();
        });
        readiness.Add("broken", () => throw new InvalidOperationException("no weights yet"));
        var options = MetricsHostOptions.Default with { Url = "http://127.0.0.1:0", ReadinessCheckTimeout = TimeSpan.FromMilliseconds(200) };
        await using var host = await MetricsHost.StartAsync(options, Prometheus.Metrics.NewCustomRegistry(), readiness);
        using var http = new HttpClient { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(10) };
        var response = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("FAIL slow: no answer within 0.2 s", body, StringComparison.Ordinal);
        Assert.Contains("FAIL broken: InvalidOperationException: no weights yet", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_created_through_the_registry_are_served_in_text_format_0_0_4()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        factory.CreateCounter("speedyzero_test_segments_total", "Segments stored.").Inc(3);
        var latency = factory.CreateHistogram("speedyzero_test_duration_seconds", "Round trips.",
            new HistogramConfiguration { LabelNames = ["command"], Buckets = [0.001, 0.01, 0.1] });
        latency.WithLabels("GET").Observe(0.004);

        await using var host = await MetricsHost.StartAsync(MetricsHostOptions.Default with { Url = "http://127.0.0.1:0" }, registry);
        using var http = new HttpClient { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        // What Prometheus sends: OpenMetrics preferred. The host answers 0.0.4 regardless.
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1");
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');

        Assert.Contains("# HELP speedyzero_test_segments_total Segments stored.", lines);
        Assert.Contains("# TYPE speedyzero_test_segments_total counter", lines);
        Assert.Contains("speedyzero_test_segments_total 3", lines);
        Assert.Contains("# HELP speedyzero_test_duration_seconds Round trips.", lines);
        Assert.Contains("# TYPE speedyzero_test_duration_seconds histogram", lines);
        Assert.Contains("speedyzero_test_duration_seconds_bucket{command=\"GET\",le=\"0.001\"} 0", lines);
        Assert.Contains("speedyzero_test_duration_seconds_bucket{command=\"GET\",le=\"0.01\"} 1", lines);
        Assert.Contains("speedyzero_test_duration_seconds_bucket{command=\"GET\",le=\"+Inf\"} 1", lines);
        Assert.Contains("speedyzero_test_duration_seconds_sum{command=\"GET\"} 0.004", lines);
        Assert.Contains("speedyzero_test_duration_seconds_count{command=\"GET\"} 1", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("# EOF", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fresh_registry_serves_no_default_dotnet_or_process_series()
    {
        // The default registry's collectors are live in this process (they register on its first collection)...
        using (var defaults = new MemoryStream())
        {
            await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(defaults);
            var text = System.Text.Encoding.UTF8.GetString(defaults.ToArray());
            Assert.Contains("process_cpu_seconds_total", text, StringComparison.Ordinal);
            Assert.Contains("dotnet_", text, StringComparison.Ordinal);
        }

        // ...and none of them reaches a registry of our own.
        await using var host = await MetricsHost.StartAsync(
            MetricsHostOptions.Default with { Url = "http://127.0.0.1:0" }, Prometheus.Metrics.NewCustomRegistry());
        using var http = new HttpClient { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(10) };
        var body = await http.GetStringAsync("/metrics");
        Assert.DoesNotContain("dotnet_", body, StringComparison.Ordinal);
        Assert.DoesNotContain("process_", body, StringComparison.Ordinal);
        Assert.DoesNotContain("microsoft_", body, StringComparison.Ordinal);
        Assert.DoesNotContain("prometheus_net_", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_options_match_their_documentation()
    {
        Assert.Equal("http://0.0.0.0:9090", MetricsHostOptions.Default.Url);
        Assert.Equal(TimeSpan.FromSeconds(2), MetricsHostOptions.Default.ReadinessCheckTimeout);
    }
}
