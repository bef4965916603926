namespace SpeedyZero.Deploy.Tests;

/// <summary>docs/metrics.md is the contract the role hosts implement; its names follow Prometheus conventions.</summary>
public class MetricCatalogueTests
{
    private static readonly string[] ExternalMetrics = ["up", "kube_pod_container_status_restarts_total"];
    private static readonly string[] StandardProcessMetrics =
        ["process_start_time_seconds", "process_cpu_seconds_total", "process_resident_memory_bytes"];

    [Fact]
    public void Catalogue_parses_and_names_are_unique()
    {
        var entries = MetricCatalogue.Entries;
        Assert.True(entries.Count >= 30, $"only {entries.Count} metrics parsed from docs/metrics.md");
        var duplicates = entries.GroupBy(e => e.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "duplicate metrics: " + string.Join(", ", duplicates));
    }

    [Fact]
    public void Names_follow_prometheus_conventions()
    {
        var problems = new List<string>();
        foreach (var e in MetricCatalogue.Entries)
        {
            if (!ExternalMetrics.Contains(e.Name) && !StandardProcessMetrics.Contains(e.Name) && !e.Name.StartsWith("speedyzero_", StringComparison.Ordinal))
            {
                problems.Add($"{e.Name}: missing the speedyzero_ prefix");
            }
            if (!System.Text.RegularExpressions.Regex.IsMatch(e.Name, "^[a-z_][a-z0-9_]*$"))
            {
                problems.Add($"{e.Name}: not snake_case");
            }
            switch (e.Type)
            {
                case "counter" when !e.Name.EndsWith("_total", StringComparison.Ordinal):
                    problems.Add($"{e.Name}: a counter must end in _total");
                    break;
                case "gauge" or "histogram" when e.Name.EndsWith("_total", StringComparison.Ordinal):
                    problems.Add($"{e.Name}: only counters end in _total");
                    break;
                case "histogram" when !(e.Name.EndsWith("_seconds", StringComparison.Ordinal) || e.Name.EndsWith("_bytes", StringComparison.Ordinal)):
                    problems.Add($"{e.Name}: a histogram names its base unit (_seconds, _bytes)");
                    break;
                case "counter" or "gauge" or "histogram":
                    break;
                default:
                    problems.Add($"{e.Name}: unknown type '{e.Type}'");
                    break;
            }
            foreach (var unit in new[] { "milliseconds", "_ms", "kilobytes", "megabytes", "minutes" })
            {
                if (e.Name.Contains(unit, StringComparison.Ordinal))
                {
                    problems.Add($"{e.Name}: use base units (seconds, bytes)");
                }
            }
            if (string.IsNullOrWhiteSpace(e.Meaning) || string.IsNullOrWhiteSpace(e.Roles))
            {
                problems.Add($"{e.Name}: roles and meaning must be filled in");
            }
            if (e.Labels.Any(l => l is "role" or "pod" or "instance" or "job") && !ExternalMetrics.Contains(e.Name))
            {
                problems.Add($"{e.Name}: role/pod/instance/job are target labels added by the scrape, not by the process");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("speedyzero_env_steps_total", "counter")]
    [InlineData("speedyzero_episodes_total", "counter")]
    [InlineData("speedyzero_segments_published_total", "counter")]
    [InlineData("speedyzero_segments_stored_total", "counter")]
    [InlineData("speedyzero_batches_produced_total", "counter")]
    [InlineData("speedyzero_batches_consumed_total", "counter")]
    [InlineData("speedyzero_learner_steps_total", "counter")]
    [InlineData("speedyzero_learner_loss", "gauge")]
    [InlineData("speedyzero_weights_version_published", "gauge")]
    [InlineData("speedyzero_weights_version_in_use", "gauge")]
    [InlineData("speedyzero_weights_version_lag", "gauge")]
    [InlineData("speedyzero_replay_transitions", "gauge")]
    [InlineData("speedyzero_replay_segments", "gauge")]
    [InlineData("speedyzero_replay_sample_duration_seconds", "histogram")]
    [InlineData("speedyzero_jetstream_consumer_pending_messages", "gauge")]
    [InlineData("speedyzero_jetstream_redeliveries_total", "counter")]
    [InlineData("speedyzero_messages_decode_errors_total", "counter")]
    [InlineData("speedyzero_learner_batch_wait_seconds_total", "counter")]
    [InlineData("kube_pod_container_status_restarts_total", "counter")]
    public void Required_metric_is_catalogued(string name, string type)
    {
        var entry = MetricCatalogue.Entries.SingleOrDefault(e => e.Name == name);
        Assert.True(entry is not null, $"{name} is missing from docs/metrics.md");
        Assert.Equal(type, entry!.Type);
    }

    [Fact]
    public void Decode_errors_and_losses_carry_their_labels()
    {
        Assert.Contains("subject", MetricCatalogue.Entries.Single(e => e.Name == "speedyzero_messages_decode_errors_total").Labels);
        Assert.Contains("component", MetricCatalogue.Entries.Single(e => e.Name == "speedyzero_learner_loss").Labels);
        var js = MetricCatalogue.Entries.Single(e => e.Name == "speedyzero_jetstream_redeliveries_total").Labels;
        Assert.Contains("stream", js);
        Assert.Contains("consumer", js);
    }

    [Theory]
    [InlineData("sum(rate(speedyzero_env_steps_total[5m])) < 20", new[] { "speedyzero_env_steps_total" })]
    [InlineData("histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket{job=\"a\"}[$__rate_interval])))", new[] { "x_seconds_bucket" })]
    [InlineData("(scalar(max(a)) - b{role=\"actor\"}) > 3e2 unless on() c offset 5m", new[] { "a", "b", "c" })]
    [InlineData("sum without (pod) (up{role!=\"\"}) and bool 1", new[] { "up" })]
    public void PromQL_metric_extraction(string expr, string[] expected)
    {
        Assert.Equal(expected.OrderBy(x => x), MetricCatalogue.MetricNamesIn(expr).OrderBy(x => x));
    }
}
