using SpeedyZero.Reporting.Runs;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Run;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Reporting.Tests.Runs;

public class RunReportTests
{
    private static TrainingConfig Config(string preset, params string[] overrides) =>
        ConfigLoader.Load(preset, null, new Dictionary<string, string>(), overrides);

    /// <summary>A breakout run folder whose first process died after its checkpoint at 2.0 s and was resumed from there.</summary>
    private static string ResumedRunFolder()
    {
        var root = Path.Combine(Path.GetTempPath(), "speedyzero-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "config.yaml"), ConfigLoader.ToYaml(Config("breakout", "run.seed=3")));
        File.WriteAllLines(Path.Combine(root, "metrics.jsonl"),
        [
            "{\"time_s\":0.1,\"kind\":\"baseline\",\"episodes\":200,\"return_mean\":0.35,\"return_std\":0.6}",
            "{\"time_s\":1.0,\"kind\":\"eval\",\"env_steps\":1000,\"return_mean\":2.5,\"return_std\":1.5}",
            "{\"time_s\":2.5,\"kind\":\"eval\",\"env_steps\":3000,\"return_mean\":9.0,\"return_std\":2.0}",
            "{\"time_s\":2.6,\"kind\":\"progress\",\"env_steps\":3100}",
            "{\"time_s\":2.1,\"kind\":\"eval\",\"env_steps\":2500,\"learner_steps\":250,\"return_mean\":4.0,\"return_std\":1.0,\"episodes\":10}",
            "{\"time_s\":2.2,\"kind\":\"progress\",\"env_steps\":2600}",
        ]);
        return root;
    }

    [Fact]
    public void A_resumed_run_reports_its_own_line_of_evaluations_and_its_random_reference()
    {
        var folder = ResumedRunFolder();
        var report = RunReport.Read(folder + Path.DirectorySeparatorChar);

        Assert.Equal(folder, report.Folder); // named without the trailing separator it was given with

        Assert.Equal(("breakout", 3L, 500_000L), (report.Environment, report.Seed, report.PlannedEnvSteps));
        Assert.Equal([1000L, 2500L], report.Evaluations.Select(e => e.EnvSteps)); // the 9.0 at 3000 was superseded
        Assert.Equal(2600, report.EnvSteps);
        Assert.Equal(2.2, report.ElapsedSeconds);
        Assert.Equal(new EvaluationPoint(2500, 250, 4.0, 1.0, 10), report.Last);
        Assert.Equal((0, 0L), (report.Evaluations[0].Episodes, report.Evaluations[0].LearnerSteps)); // a line without the counts
        Assert.Equal(4.0, report.Best!.Mean);
        Assert.Equal(0.35, report.RandomReturn);
        Assert.Null(report.FirstSolved); // breakout has no solved return
    }

    [Fact]
    public void A_run_without_a_recorded_reference_gets_the_one_it_would_have_recorded()
    {
        var folder = ResumedRunFolder();
        var metrics = Path.Combine(folder, "metrics.jsonl");
        File.WriteAllLines(metrics, File.ReadAllLines(metrics).Where(line => !line.Contains("baseline")));
        var setup = new TrainingSetup(Config("breakout", "run.seed=3"));

        var report = RunReport.Read(folder);

        Assert.Equal(RandomPolicyReference.Play(setup, CancellationToken.None).Mean, report.RandomReturn);
        Assert.InRange(report.RandomReturn, 0.1, 0.7); // breakout's random return, about 0.35
    }

    [Fact]
    public void The_first_evaluation_at_the_solved_return_is_reported()
    {
        var root = Path.Combine(Path.GetTempPath(), "speedyzero-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "config.yaml"), ConfigLoader.ToYaml(Config("cartpole")));
        File.WriteAllLines(Path.Combine(root, "metrics.jsonl"),
        [
            "{\"time_s\":1.0,\"kind\":\"eval\",\"env_steps\":1000,\"return_mean\":300}",
            "{\"time_s\":2.0,\"kind\":\"eval\",\"env_steps\":2000,\"return_mean\":480}",
            "{\"time_s\":3.0,\"kind\":\"eval\",\"env_steps\":3000,\"return_mean\":500}",
        ]);

        var report = RunReport.Read(root);

        Assert.Equal(475, report.SolvedReturn);
        Assert.Equal(2000, report.FirstSolved!.EnvSteps);
        Assert.Equal(3000, report.Best!.EnvSteps);
    }

    [Fact]
    public void A_folder_without_a_metrics_file_is_not_a_run()
    {
        var root = Path.Combine(Path.GetTempPath(), "speedyzero-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "config.yaml"), ConfigLoader.ToYaml(Config("breakout")));

        var error = Assert.Throws<ArgumentException>(() => RunReport.Read(root));
        Assert.Contains("has no metrics.jsonl", error.Message);
    }
}
