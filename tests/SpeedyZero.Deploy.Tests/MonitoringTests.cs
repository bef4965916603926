using System.Text.Json;

namespace SpeedyZero.Deploy.Tests;

/// <summary>Alert rules (promtool), their PrometheusRule copy, runbook links, the dashboard and the scrape configs.</summary>
public class MonitoringTests
{
    private const string RuleFile = "k8s/monitoring/rules/speedyzero-alerts.yaml";
    private const string RuleTestFile = "k8s/monitoring/rules/tests/speedyzero-alerts.test.yaml";

    private static string Promtool() => Tool.Require("promtool",
        "Install Debian's 'prometheus' package (scripts/deps.sh does: make deps), which ships /usr/bin/promtool.");

    private static IReadOnlyList<object?> Alerts() =>
        Yaml.Load(Repo.Read(RuleFile)).At("groups").Items()
            .SelectMany(g => g.At("rules").Items())
            .Where(r => r.At("alert") is not null)
            .ToList();

    [Fact]
    public void Promtool_checks_the_rule_file()
    {
        var result = Tool.Run(Promtool(), ["check", "rules", Repo.PathOf(RuleFile)]);
        Assert.True(result.ExitCode == 0, "promtool check rules failed:\n" + result.Output);
        Assert.Contains("SUCCESS", result.Output);
    }

    [Fact]
    public void Promtool_unit_tests_fire_every_alert_and_stay_silent_when_healthy()
    {
        var result = Tool.Run(Promtool(), ["test", "rules", Repo.PathOf(RuleTestFile)]);
        Assert.True(result.ExitCode == 0, "promtool test rules failed:\n" + result.Output);
        Assert.Contains("SUCCESS", result.Output);
    }

    [Fact]
    public void Every_alert_has_a_firing_case_and_a_silent_healthy_case()
    {
        var tests = Yaml.Load(Repo.Read(RuleTestFile)).At("tests").Items();
        var firing = new HashSet<string>();
        var silentWhenHealthy = new HashSet<string>();
        foreach (var group in tests)
        {
            var healthy = (group.At("name").Str() ?? "").Contains("healthy", StringComparison.Ordinal);
            foreach (var t in group.At("alert_rule_test").Items())
            {
                var name = t.At("alertname").Str()!;
                var expected = t.At("exp_alerts").Items();
                if (expected.Count > 0)
                {
                    firing.Add(name);
                }
                else if (healthy)
                {
                    silentWhenHealthy.Add(name);
                }
            }
        }
        var names = Alerts().Select(a => a.At("alert").Str()!).ToList();
        Assert.True(names.Count >= 8, $"only {names.Count} alerts");
        Assert.Empty(names.Except(firing));
        Assert.Empty(names.Except(silentWhenHealthy));
        Assert.Empty(firing.Union(silentWhenHealthy).Except(names)); // no test of a removed alert
    }

    [Fact]
    public void Required_alerts_exist()
    {
        var exprs = Alerts().ToDictionary(a => a.At("alert").Str()!, a => a.At("expr").Str() ?? "");
        // Which metric each required alert is about (the issue's list).
        var required = new Dictionary<string, string>
        {
            ["SpeedyZeroEnvStepsLow"] = "speedyzero_env_steps_total",
            ["SpeedyZeroLearnerStalled"] = "speedyzero_learner_steps_total",
            ["SpeedyZeroLearnerStarved"] = "speedyzero_learner_batch_wait_seconds_total",
            ["SpeedyZeroReplayNotGrowing"] = "speedyzero_segments_stored_total",
            ["SpeedyZeroActorWeightsLag"] = "speedyzero_weights_version_in_use",
            ["SpeedyZeroRedeliveriesHigh"] = "speedyzero_jetstream_redeliveries_total",
            ["SpeedyZeroDecodeErrors"] = "speedyzero_messages_decode_errors_total",
            ["SpeedyZeroRoleRestarting"] = "kube_pod_container_status_restarts_total",
        };
        foreach (var (alert, metric) in required)
        {
            Assert.True(exprs.ContainsKey(alert), $"alert {alert} missing");
            Assert.Contains(metric, MetricCatalogue.MetricNamesIn(exprs[alert]));
        }
    }

    [Fact]
    public void Every_alert_has_summary_description_severity_and_a_runbook_section()
    {
        var anchors = Text.MarkdownAnchors(Repo.Read("docs/runbook.md"));
        var problems = new List<string>();
        foreach (var a in Alerts())
        {
            var name = a.At("alert").Str()!;
            foreach (var key in new[] { "summary", "description", "runbook_url" })
            {
                if (string.IsNullOrWhiteSpace(a.At("annotations", key).Str()))
                {
                    problems.Add($"{name}: annotation {key} missing");
                }
            }
            if (a.At("labels", "severity").Str() is not ("warning" or "critical"))
            {
                problems.Add($"{name}: severity label must be warning or critical");
            }
            var url = a.At("annotations", "runbook_url").Str() ?? "";
            var expected = "docs/runbook.md#" + Text.Slug(name);
            if (url != expected)
            {
                problems.Add($"{name}: runbook_url '{url}', expected '{expected}'");
            }
            if (!anchors.Contains(Text.Slug(name)))
            {
                problems.Add($"{name}: docs/runbook.md has no section '## {name}'");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Rules_use_only_catalogued_metrics()
    {
        var unknown = Alerts()
            .SelectMany(a => MetricCatalogue.MetricNamesIn(a.At("expr").Str() ?? "").Select(m => (Alert: a.At("alert").Str(), Metric: m)))
            .Where(x => MetricCatalogue.Resolve(x.Metric) is null)
            .Select(x => $"{x.Alert}: {x.Metric}")
            .ToList();
        Assert.True(unknown.Count == 0, "not in docs/metrics.md: " + string.Join(", ", unknown));
    }

    [Fact]
    public void PrometheusRule_carries_exactly_the_rule_file_groups()
    {
        var source = Yaml.Load(Repo.Read(RuleFile)).At("groups");
        var rule = Kustomize.Render("k8s/monitoring").Single(o => o.Kind == "PrometheusRule");
        Assert.Equal("monitoring.coreos.com/v1", rule.Node.At("apiVersion").Str());
        Assert.True(Yaml.DeepEquals(source, rule.Node.At("spec", "groups")),
            "k8s/monitoring/prometheusrule.yaml differs from the rule file: run k8s/monitoring/generate-prometheusrule.sh");
    }

    [Fact]
    public void Monitoring_objects_are_labelled_and_select_the_role_pods()
    {
        var objects = Kustomize.Render("k8s/monitoring");
        foreach (var o in objects)
        {
            foreach (var label in ManifestTests.RecommendedLabels)
            {
                Assert.True(o.Labels.ContainsKey(label), $"{o.Id}: label {label} missing");
            }
        }
        var podMonitor = objects.Single(o => o.Kind == "PodMonitor");
        var selector = podMonitor.Node.At("spec", "selector", "matchLabels").StringMap();
        var roles = Kustomize.Render("k8s/overlays/cpu").Where(o => o.IsWorkload && o.TemplateLabels.GetValueOrDefault("app.kubernetes.io/name") == "speedyzero").ToList();
        Assert.Equal(ManifestTests.Roles.Length, roles.Count);
        Assert.All(roles, w => Assert.True(Selectors.Matches(selector, w.TemplateLabels), $"PodMonitor does not select {w.Id}"));
        Assert.DoesNotContain(Kustomize.Render("k8s/overlays/cpu").Where(o => o.Name is "nats" or "redis" && o.IsWorkload),
            w => Selectors.Matches(selector, w.TemplateLabels));
        var endpoint = podMonitor.Node.At("spec", "podMetricsEndpoints").Items().Single();
        Assert.Equal("metrics", endpoint.At("port").Str());
        Assert.Equal("/metrics", endpoint.At("path").Str());
        // The 'role' target label the alerts use comes from the component label.
        Assert.Contains(endpoint.At("relabelings").Items(), r =>
            r.At("targetLabel").Str() == "role"
            && r.At("sourceLabels").Items().Single()?.ToString() == "__meta_kubernetes_pod_label_app_kubernetes_io_component");

        var dashboardMap = objects.Single(o => o.Kind == "ConfigMap");
        Assert.Equal("1", dashboardMap.Labels.GetValueOrDefault("grafana_dashboard"));
        Assert.Equal(Repo.Read("k8s/monitoring/dashboards/speedyzero.json"), dashboardMap.Node.At("data", "speedyzero.json").Str());
    }

    [Fact]
    public void Dashboard_parses_and_queries_only_catalogued_metrics()
    {
        using var doc = JsonDocument.Parse(Repo.Read("k8s/monitoring/dashboards/speedyzero.json"));
        var root = doc.RootElement;
        Assert.Equal("speedyzero", root.GetProperty("uid").GetString());
        var exprs = new List<(string Panel, string Expr)>();
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() == "row")
            {
                continue;
            }
            var title = panel.GetProperty("title").GetString()!;
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.True(targets.Count > 0, $"panel '{title}' has no query");
            exprs.AddRange(targets.Select(t => (title, t.GetProperty("expr").GetString()!)));
        }
        Assert.True(exprs.Count >= 20, $"only {exprs.Count} queries");
        var unknown = exprs
            .SelectMany(e => MetricCatalogue.MetricNamesIn(e.Expr).Select(m => (e.Panel, Metric: m)))
            .Where(x => MetricCatalogue.Resolve(x.Metric) is null)
            .Select(x => $"'{x.Panel}': {x.Metric}")
            .ToList();
        Assert.True(unknown.Count == 0, "not in docs/metrics.md: " + string.Join(", ", unknown));

        // Every metric an alert uses is on the dashboard too, so a page can be followed up there.
        var onDashboard = exprs.SelectMany(e => MetricCatalogue.MetricNamesIn(e.Expr)).Select(MetricCatalogue.Resolve).ToHashSet();
        var alertMetrics = Alerts().SelectMany(a => MetricCatalogue.MetricNamesIn(a.At("expr").Str() ?? "")).Select(MetricCatalogue.Resolve).ToHashSet();
        Assert.Empty(alertMetrics.Except(onDashboard));
    }

    [Fact]
    public void Local_Prometheus_config_is_valid_and_evaluates_the_same_rules()
    {
        var config = "k8s/monitoring/local/prometheus.yml";
        var result = Tool.Run(Promtool(), ["check", "config", Repo.PathOf(config)]);
        Assert.True(result.ExitCode == 0, "promtool check config failed:\n" + result.Output);
        var node = Yaml.Load(Repo.Read(config));
        Assert.Equal(["../rules/speedyzero-alerts.yaml"], node.At("rule_files").Items().Select(x => x?.ToString()));

        using var targets = JsonDocument.Parse(Repo.Read("k8s/monitoring/local/targets.example.json"));
        var roles = new HashSet<string>();
        foreach (var group in targets.RootElement.EnumerateArray())
        {
            roles.Add(group.GetProperty("labels").GetProperty("role").GetString()!);
            Assert.All(group.GetProperty("targets").EnumerateArray(), t => Assert.StartsWith("127.0.0.1:", t.GetString()));
        }
        Assert.Equal(ManifestTests.Roles.OrderBy(r => r), roles.OrderBy(r => r));
    }
}
