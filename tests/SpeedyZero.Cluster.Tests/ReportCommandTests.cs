using SpeedyZero.Training.Config;

namespace SpeedyZero.Cluster.Tests;

/// <summary>'speedyzero report' as a user runs it: a table and a plot, exit code 0; a folder that is not a run, exit code 2.</summary>
public class ReportCommandTests
{
    [Fact]
    public async Task Report_prints_a_runs_progress_and_returns_and_draws_the_plot()
    {
        var root = Path.Combine(Path.GetTempPath(), "speedyzero-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "config.yaml"),
            ConfigLoader.ToYaml(ConfigLoader.Load("seaquest", null, new Dictionary<string, string>(), ["run.seed=4"])));
        File.WriteAllLines(Path.Combine(root, "metrics.jsonl"),
        [
            "{\"time_s\":0.1,\"kind\":\"baseline\",\"episodes\":200,\"return_mean\":0.125,\"return_std\":0.4}",
            "{\"time_s\":3725.0,\"kind\":\"eval\",\"env_steps\":25000,\"return_mean\":7.25,\"return_std\":1.5}",
        ]);
        var plot = Path.Combine(root, "report.png");

        using var report = new RoleProcess("report", ["report", "--run", root, "--plot", plot], new Dictionary<string, string>(), metricsPort: 0);

        Assert.Equal(0, await report.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        foreach (var expected in new[] { "seaquest", "seed 4", "7.25", "0.125", "1:02:05" }) Assert.Contains(expected, report.Output);
        Assert.True(new FileInfo(plot).Length > 1000, "the plot was drawn");
    }

    [Fact]
    public async Task Report_refuses_a_folder_that_is_not_a_run()
    {
        var empty = Directory.CreateTempSubdirectory().FullName;
        using var report = new RoleProcess("report", ["report", "--run", empty], new Dictionary<string, string>(), metricsPort: 0);
        Assert.Equal(2, await report.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("is not a run folder: it has no config.yaml", report.Output);
    }
}
