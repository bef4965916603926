using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpeedyZero.LocalServers;
using SpeedyZero.Testing;
using Xunit.Abstractions;

namespace SpeedyZero.Deploy.Tests;

/// <summary>
/// `make cluster` (scripts/cluster.sh: nats-server, redis-server and every role as local processes)
/// scraped by a real Prometheus (Debian's package) on loopback that evaluates the alert rules of
/// k8s/monitoring/rules/speedyzero-alerts.yaml: a healthy run fires nothing, and stopping the
/// reanalyzers fires SpeedyZeroLearnerStarved within its `for` window.
/// </summary>
public class LiveMonitoringTests(ITestOutputHelper log)
{
    private const string RuleFile = "k8s/monitoring/rules/speedyzero-alerts.yaml";

    /// <summary>
    /// The rules' windows are divided by this factor: the real ones (LearnerStarved: rate over 2m,
    /// for 5m; ReplayNotGrowing: 15m and 10m) would make the test run for half an hour. The scaled
    /// copy keeps every expression, threshold and label; only range selectors and `for` shrink, and
    /// Prometheus scrapes and evaluates every second instead of every 5 s.
    /// </summary>
    private const int TimeScale = 20;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>Range selectors ([15m]) and `for:` durations divided by <see cref="TimeScale"/>, as seconds.</summary>
    internal static string ScaleRules(string rules, int factor)
    {
        static string Seconds(string number, string unit, int factor)
        {
            var seconds = long.Parse(number, CultureInfo.InvariantCulture) * (unit == "h" ? 3600 : unit == "m" ? 60 : 1);
            Assert.True(seconds % factor == 0, $"{number}{unit} does not divide by {factor}");
            return (seconds / factor).ToString(CultureInfo.InvariantCulture) + "s";
        }

        var scaled = Regex.Replace(rules, @"\[(\d+)([smh])\]", m => "[" + Seconds(m.Groups[1].Value, m.Groups[2].Value, factor) + "]");
        scaled = Regex.Replace(scaled, @"(?m)^(\s*for:\s*)(\d+)([smh])\s*$", m => m.Groups[1].Value + Seconds(m.Groups[2].Value, m.Groups[3].Value, factor));
        // Nothing else may carry a duration the scaling missed (subqueries, offsets, keep_firing_for).
        foreach (var rule in Yaml.Load(scaled).At("groups").Items().SelectMany(g => g.At("rules").Items()))
        {
            var expr = rule.At("expr").Str() ?? "";
            Assert.False(Regex.IsMatch(expr, @"\[\d+[mh]|offset|:\d"), $"unscaled duration in {expr}");
            Assert.Null(rule.At("keep_firing_for"));
        }

        return scaled;
    }

    [Fact]
    public void The_scaled_rules_keep_every_expression_and_pass_promtool()
    {
        var original = Yaml.Load(Repo.Read(RuleFile)).At("groups").Items().SelectMany(g => g.At("rules").Items()).ToList();
        var text = ScaleRules(Repo.Read(RuleFile), TimeScale);
        var scaled = Yaml.Load(text).At("groups").Items().SelectMany(g => g.At("rules").Items()).ToList();
        Assert.Equal(original.Count, scaled.Count);
        foreach (var (a, b) in original.Zip(scaled))
        {
            Assert.Equal(a.At("alert").Str(), b.At("alert").Str());
            Assert.True(Yaml.DeepEquals(a.At("labels"), b.At("labels")));
            Assert.True(Yaml.DeepEquals(a.At("annotations"), b.At("annotations")));
            // The same expression once every range is put back into minutes.
            var restored = Regex.Replace(b.At("expr").Str()!, @"\[(\d+)s\]", m => $"[{long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * TimeScale / 60}m]");
            Assert.Equal(a.At("expr").Str(), restored);
        }

        Assert.Equal("15s", scaled.Single(r => r.At("alert").Str() == "SpeedyZeroLearnerStarved").At("for").Str());
        var dir = Directory.CreateTempSubdirectory("sz-rules-");
        try
        {
            var path = Path.Combine(dir.FullName, "rules.yaml");
            File.WriteAllText(path, text);
            var promtool = Tool.Require("promtool", "Install Debian's 'prometheus' package (make deps), which ships /usr/bin/promtool.");
            var result = Tool.Run(promtool, ["check", "rules", path]);
            Assert.True(result.ExitCode == 0, "promtool check rules failed on the scaled rules:\n" + result.Output);
            Assert.Contains("SUCCESS", result.Output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Prometheus_scraping_make_cluster_fires_nothing_when_healthy_and_learner_starved_without_reanalyzers()
    {
        var prometheusBinary = Tool.Require("prometheus", "Install Debian's 'prometheus' package (make deps), which ships /usr/bin/prometheus.");
        var promtool = Tool.Require("promtool", "Install Debian's 'prometheus' package (make deps), which ships /usr/bin/promtool.");
        foreach (var tool in new[] { "nats-server", "redis-server", "curl" })
        {
            Tool.Require(tool, "scripts/deps.sh (make deps) installs it; make cluster needs it.");
        }

        var dll = Repo.PathOf("services/SpeedyZero.Cli/bin/Release/net10.0/speedyzero.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build in Release (the test project builds it)");

        var clock = Stopwatch.StartNew();
        var dir = Directory.CreateTempSubdirectory("sz-live-").FullName;
        var targets = Path.Combine(dir, "targets");
        Directory.CreateDirectory(targets);
        var rules = Path.Combine(dir, "rules.yaml");
        File.WriteAllText(rules, ScaleRules(Repo.Read(RuleFile), TimeScale));
        var check = Tool.Run(promtool, ["check", "rules", rules]);
        Assert.True(check.ExitCode == 0, "promtool check rules failed on the scaled rules:\n" + check.Output);
        // A run that keeps going for far longer than the test (the test stops it).
        File.WriteAllText(Path.Combine(dir, "config.yaml"), TinyCartPole.Config(selfplayWeightsEvery: 50, targetWeightsEvery: 100));
        // The local scrape configuration (k8s/monitoring/local/prometheus.yml) with 1 s intervals,
        // the scaled rules and this run's own file-SD folder.
        var local = Repo.Read("k8s/monitoring/local/prometheus.yml");
        Assert.Contains("../rules/speedyzero-alerts.yaml", local);
        Assert.Contains("targets/*.json", local);
        var promConfig = Regex.Replace(local, @"(?m)^(\s*(scrape_interval|evaluation_interval|refresh_interval):\s*)\S+", "${1}1s");
        promConfig = Regex.Replace(promConfig, @"(?m)^(\s*scrape_timeout:\s*)\S+", "${1}900ms");
        promConfig = promConfig.Replace("../rules/speedyzero-alerts.yaml", rules).Replace("targets/*.json", Path.Combine(targets, "*.json"));
        File.WriteAllText(Path.Combine(dir, "prometheus.yml"), promConfig);
        var promCheck = Tool.Run(promtool, ["check", "config", Path.Combine(dir, "prometheus.yml")]);
        Assert.True(promCheck.ExitCode == 0, "promtool check config failed:\n" + promCheck.Output);

        var cluster = new Background("cluster", "bash", [Repo.PathOf("scripts/cluster.sh")], new Dictionary<string, string>
        {
            ["ACTORS"] = "2",
            ["REANALYZERS"] = "1",
            ["CONFIGURATION"] = "Release",
            ["CONFIG"] = Path.Combine(dir, "config.yaml"),
            ["STEPS"] = "100000000",
            ["TARGETS"] = targets,
            ["RUN_DIR"] = Path.Combine(dir, "run"),
        });
        Background? prometheus = null;
        try
        {
            // Every role serves /metrics before Prometheus starts: the roles' start-up is not a target down.
            var roles = 0;
            await WaitAsync(() =>
            {
                roles = cluster.Lines.Count(l => Regex.IsMatch(l, @"^\s+\S+: http://127\.0\.0\.1:\d+/metrics \(pid \d+\)"));
                return roles > 0 && cluster.Lines.Any(l => l.Contains($"| ready {roles}/{roles} |", StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(120), "every role of make cluster ready", cluster);
            Assert.Equal(7, roles); // replay, learner, priority-refresh, evaluator, 1 reanalyzer, 2 actors
            Assert.Equal(7, Directory.GetFiles(targets, "cluster-*.json").Length);
            log.WriteLine($"{clock.Elapsed.TotalSeconds:0}s: cluster ready");

            var port = LocalPorts.Free();
            var api = $"http://127.0.0.1:{port}/api/v1";
            prometheus = new Background("prometheus", prometheusBinary,
                [$"--config.file={Path.Combine(dir, "prometheus.yml")}", $"--web.listen-address=127.0.0.1:{port}",
                 $"--storage.tsdb.path={Path.Combine(dir, "prometheus")}", "--log.level=warn"], new Dictionary<string, string>());
            JsonElement[] active = [];
            await WaitAsync(() =>
            {
                active = Query(api + "/targets?state=active", "activeTargets")?.EnumerateArray().ToArray() ?? [];
                return active.Length == roles && active.All(t => t.GetProperty("health").GetString() == "up");
            }, TimeSpan.FromSeconds(60), "Prometheus scraping every role", prometheus, cluster);
            Assert.Equal(["actor", "actor", "evaluator", "learner", "priority-refresh", "reanalyzer", "replay"],
                active.Select(t => t.GetProperty("labels").GetProperty("role").GetString()).Order(StringComparer.Ordinal));
            log.WriteLine($"{clock.Elapsed.TotalSeconds:0}s: Prometheus scrapes {active.Length} targets");

            // Healthy: run past every alert's range plus its `for` (the longest: ReplayNotGrowing,
            // 15m + 10m scaled to 75 s) and nothing fires at any point, nor is anything pending at the end.
            var healthyFor = TimeSpan.FromSeconds(80);
            var healthyUntil = DateTime.UtcNow + healthyFor;
            while (DateTime.UtcNow < healthyUntil)
            {
                var firing = Alerts(api).Where(a => a.State == "firing").ToList();
                Assert.True(firing.Count == 0, $"alerts fire in the healthy run: {string.Join("; ", firing)}\n{Tail(cluster)}");
                Assert.False(cluster.HasExited, "make cluster stopped\n" + Tail(cluster));
                await Task.Delay(1000);
            }

            var atEnd = Alerts(api).ToList();
            Assert.True(atEnd.Count == 0, $"alerts pending or firing after {healthyFor.TotalSeconds} s of a healthy run: {string.Join("; ", atEnd)}");
            // The learner really trains and waits little: the starved alert below is about the reanalyzers' absence.
            var waitRate = Scalar(api, "sum(rate(speedyzero_learner_batch_wait_seconds_total[10s]))");
            var steps = Scalar(api, "sum(rate(speedyzero_learner_steps_total[10s]))");
            log.WriteLine($"{clock.Elapsed.TotalSeconds:0}s: healthy, learner {steps:0.0} steps/s, waiting {waitRate:P0} of the time");
            Assert.True(steps > 0, "the learner does not step");

            // Starved: SIGTERM every reanalyzer (not the priority refresher); the learner runs out of batches.
            var reanalyzers = cluster.Lines
                .Select(l => Regex.Match(l, @"^\s+reanalyzer-\d+: http://\S+ \(pid (\d+)\)"))
                .Where(m => m.Success)
                .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
                .ToList();
            Assert.NotEmpty(reanalyzers);
            foreach (var pid in reanalyzers)
            {
                Signal("TERM", pid.ToString(CultureInfo.InvariantCulture));
            }

            var killed = Stopwatch.StartNew();
            // Scaled: rate over 2m/20 = 6 s, for 5m/20 = 15 s; plus scrape/evaluation steps and the reanalyzer's drain.
            var limit = TimeSpan.FromSeconds(6 + 15 + 20);
            await WaitAsync(() => Alerts(api).Any(a => a.Name == "SpeedyZeroLearnerStarved" && a.State == "firing"), limit,
                "SpeedyZeroLearnerStarved firing after the reanalyzers stopped", prometheus, cluster);
            log.WriteLine($"{clock.Elapsed.TotalSeconds:0}s: SpeedyZeroLearnerStarved fired {killed.Elapsed.TotalSeconds:0.0} s after SIGTERM to the reanalyzers");
            Assert.True(killed.Elapsed >= TimeSpan.FromSeconds(15), $"fired after {killed.Elapsed.TotalSeconds} s, before its scaled for: 15 s");
            foreach (var pid in reanalyzers)
            {
                Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal),
                    $"reanalyzer {pid} still runs");
            }
        }
        finally
        {
            prometheus?.Stop(TimeSpan.FromSeconds(10));
            // make cluster's own shutdown (Ctrl-C): roles drain, then the servers stop and its targets go.
            cluster.Stop(TimeSpan.FromSeconds(45), "INT");
            KillLeftovers(dir);
            log.WriteLine($"{clock.Elapsed.TotalSeconds:0}s: stopped");
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        Assert.Empty(Directory.Exists(targets) ? Directory.GetFiles(targets) : []);
    }

    private sealed record Alert(string Name, string State)
    {
        public override string ToString() => $"{Name} ({State})";
    }

    private static IEnumerable<Alert> Alerts(string api) =>
        (Query(api + "/alerts", "alerts")?.EnumerateArray().ToArray() ?? throw new InvalidOperationException("Prometheus did not answer /api/v1/alerts"))
        .Select(a => new Alert(a.GetProperty("labels").GetProperty("alertname").GetString()!, a.GetProperty("state").GetString()!));

    private static double Scalar(string api, string query)
    {
        var result = Query(api + "/query?query=" + Uri.EscapeDataString(query), "result");
        return result is { } r && r.GetArrayLength() == 1
            ? double.Parse(r[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)
            : double.NaN;
    }

    /// <summary>GET an API path and return data.<paramref name="field"/>; null while Prometheus does not answer.</summary>
    private static JsonElement? Query(string url, string field)
    {
        try
        {
            var text = Http.GetStringAsync(url).GetAwaiter().GetResult();
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.GetProperty("data").GetProperty(field).Clone();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, params Background[] processes)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            foreach (var p in processes)
            {
                Assert.False(p.HasExited, $"{p.Name} exited while waiting for {what}\n{Tail(p)}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what}\n{string.Join("\n", processes.Select(Tail))}");
            }

            await Task.Delay(500);
        }
    }

    private static string Tail(Background p) => $"--- {p.Name}:\n" + string.Join('\n', p.Lines.TakeLast(25));


    private static void Signal(string signal, string target)
    {
        using var kill = Process.Start("kill", ["-" + signal, "--", target])!;
        kill.WaitForExit(5000);
    }

    /// <summary>Any process still holding this run's folder on its command line (a role's --config, nats -sd, redis --dir): SIGKILL.</summary>
    private static void KillLeftovers(string dir)
    {
        foreach (var proc in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(dir, StringComparison.Ordinal))
                {
                    Signal("KILL", pid.ToString(CultureInfo.InvariantCulture));
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>A background process with its output lines kept.</summary>
    private sealed class Background
    {
        private readonly Process process;
        private readonly List<string> lines = [];

        public Background(string name, string file, string[] arguments, Dictionary<string, string> environment)
        {
            Name = name;
            var start = new ProcessStartInfo(file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Repo.Root,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Name { get; }

        public bool HasExited => process.HasExited;

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (lines) return lines.ToList();
            }
        }

        private void Append(string? line)
        {
            if (line is null) return;
            lock (lines) lines.Add(line);
        }

        /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="grace"/>, then kills the process (and its children).</summary>
        public void Stop(TimeSpan grace, string signal = "TERM")
        {
            if (!process.HasExited)
            {
                Signal(signal, process.Id.ToString(CultureInfo.InvariantCulture));
                if (!process.WaitForExit(grace))
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }

            process.WaitForExit(1000);
            process.Dispose();
        }
    }
}
