using System.Net;
using SpeedyZero.Metrics;

namespace SpeedyZero.Metrics.Tests;

/// <summary>The Kestrel host on a free loopback port, called over real HTTP.</summary>
public sealed class MetricsHostTests
{
    [Fact]
    public async Task Serves_metrics_health_and_readiness()
    {
        var registry = new MetricsRegistry();
        registry.CreateCounter("scrape_test_events_total", "Events.").Inc(5);
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
        await using var host = await MetricsHost.StartAsync(options, new MetricsRegistry(), readiness);
        using var http = new HttpClient { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(10) };
        var response = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("FAIL slow: no answer within 0.2 s", body, StringComparison.Ordinal);
        Assert.Contains("FAIL broken: InvalidOperationException: no weights yet", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_options_match_their_documentation()
    {
        Assert.Equal("http://0.0.0.0:9090", MetricsHostOptions.Default.Url);
        Assert.Equal(TimeSpan.FromSeconds(2), MetricsHostOptions.Default.ReadinessCheckTimeout);
    }
}
