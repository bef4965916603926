using SpeedyZero.Training.Setup;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Training.Tests.Embedded;

/// <summary>Short runs in which every role must do its part.</summary>
public class EndToEndTests
{
    [Theory]
    [InlineData("cartpole")]
    [InlineData("breakout")]
    public void Every_role_works_in_a_short_run(string preset)
    {
        var config = TrainerRuns.Config(preset, [.. TrainerRuns.Tiny, "run.env_steps=400", "learner.checkpoint_every=40", "env.max_episode_steps=100"]);

        var (summary, folder) = TrainerRuns.Train(config);

        Assert.Equal(400, summary.EnvSteps);
        Assert.Equal((long)Math.Ceiling((400 - 64) * config.Learner.TrainRatio), summary.LearnerSteps);
        Assert.True(summary.ReplayTransitions > 64, $"replay holds {summary.ReplayTransitions} transitions");
        Assert.True(summary.FinalEpisodes == 2 && double.IsFinite(summary.FinalReturnMean), "a final evaluation ran");

        var records = MetricsLog.Read(folder.MetricsPath);
        var learner = records.Where(r => r.Kind == "learner").ToList();
        Assert.NotEmpty(learner);
        Assert.All(learner, r => Assert.True(double.IsFinite(r.Get("loss_total")!.Value), "losses are finite"));
        var progress = records.Where(r => r.Kind == "progress").ToList();
        Assert.All(records.Where(r => r.Kind == "eval"), r =>
        {
            // Episode lengths are recorded, bounded by env.max_episode_steps.
            Assert.InRange(r.Get("length_mean")!.Value, 1, 100);
            Assert.InRange(r.Get("length_max")!.Value, r.Get("length_mean")!.Value, 100);
        });
        Assert.Contains(records, r => r.Kind == "eval");
        var baseline = Assert.Single(records, r => r.Kind == "baseline");
        Assert.Equal(RandomPolicyReference.Episodes, baseline.Get("episodes"));
        Assert.Equal(baseline.Get("return_mean"), summary.RandomReturnMean);

        // Priorities were written back: the stored priorities are no longer all the initial maximum.
        var replay = Checkpoint.LoadReplay(folder.CheckpointPath);
        Assert.True(replay.Index.Priorities.Distinct().Count() > 1, "priorities changed after training");
        Assert.True(File.Exists(folder.CurvesPath) && new FileInfo(folder.CurvesPath).Length > 1000, "curves were drawn");
        Assert.True(Checkpoint.LoadState(folder.CheckpointPath).LearnerSteps == summary.LearnerSteps, "final checkpoint is at the last step");
        // Progress records carry the process's resident memory (libtorch alone is over 50 MiB).
        Assert.NotEmpty(progress);
        Assert.All(progress, r => Assert.InRange(r.Get("resident_memory_bytes")!.Value, 50 << 20, 64L << 30));
        Assert.All(progress, r => Assert.InRange(r.Get("managed_memory_bytes")!.Value, 1, r.Get("resident_memory_bytes")!.Value));
        Assert.Equal(400, progress[^1].Get("env_steps"));

        // The best evaluation's weights are kept beside the checkpoint.
        var best = new BestWeights(folder).Best;
        Assert.NotNull(best);
        Assert.Equal(summary.BestReturnMean, best.ReturnMean);
        Assert.True(new FileInfo(folder.BestWeightsPath).Length > 1000, "best.weights holds the weights");

        // The weights the run ended with are kept apart from the checkpoint (which holds the optimiser and the replay too).
        using var final = new TrainingSetup(config).CreateModel();
        Checkpoint.LoadModel(folder.CheckpointPath, final);
        Assert.Equal(final.ExportWeights(), File.ReadAllBytes(folder.FinalWeightsPath));
    }

    [Fact]
    public void Resume_continues_from_the_saved_step_with_the_same_config()
    {
        var config = TrainerRuns.Config("cartpole", [.. TrainerRuns.Tiny, "run.env_steps=300", "learner.checkpoint_every=20"]);
        var (first, folder) = TrainerRuns.Train(config);
        var saved = Checkpoint.LoadState(folder.CheckpointPath);
        Assert.Equal(first.LearnerSteps, saved.LearnerSteps);

        var resumedConfig = Training.Config.ConfigLoader.Load(null, folder.ConfigPath, new Dictionary<string, string>(), ["run.env_steps=500"]);
        var (second, _) = TrainerRuns.Train(resumedConfig, folder, resume: true);

        Assert.True(second.Resumed);
        // The random-policy reference is played once per run: a resumed run reads it back.
        Assert.InRange(first.RandomReturnMean, 15, 30);
        Assert.Equal(first.RandomReturnMean, second.RandomReturnMean);
        Assert.Single(MetricsLog.Read(folder.MetricsPath), r => r.Kind == "baseline");
        // The resume is marked where the second process began: at the checkpoint's steps.
        var resume = Assert.Single(MetricsLog.Read(folder.MetricsPath), r => r.Kind == "resume");
        Assert.Equal(saved.EnvSteps, resume.Get("env_steps"));
        Assert.Equal(saved.LearnerSteps, resume.Get("learner_steps"));
        // The summary covers the whole run: the first segment's evaluations count towards the best.
        var evaluations = EvaluationPoint.AllIn(MetricsLog.Read(folder.MetricsPath));
        Assert.True(evaluations.Count(e => e.EnvSteps <= 300) >= 2, "the first segment's evaluations are kept");
        Assert.Equal(evaluations.Max(e => e.Mean), second.BestReturnMean);
        Assert.True(second.BestReturnMean >= first.BestReturnMean, $"best {second.BestReturnMean} after resume, {first.BestReturnMean} before");
        Assert.Equal(config.Eval.Episodes, second.FinalEpisodes);
        Assert.Equal(500, second.EnvSteps);
        Assert.Equal((long)Math.Ceiling((500 - 64) * config.Learner.TrainRatio), second.LearnerSteps);
        Assert.True(second.LearnerSteps > saved.LearnerSteps);
        Assert.Equal(config with { Run = config.Run with { EnvSteps = 500 } }, resumedConfig, new ConfigEquality());
    }

    [Fact]
    public void A_run_stopped_during_its_final_evaluation_plays_it_when_resumed()
    {
        var config = TrainerRuns.Config("catch", [.. TrainerRuns.Tiny, "run.env_steps=200", "learner.checkpoint_every=20"]);
        var (first, folder) = TrainerRuns.Train(config);
        var state = Checkpoint.LoadState(folder.CheckpointPath);
        var setup = new Setup.TrainingSetup(config);
        Assert.True(RunCompletion.IsFinished(setup, folder, state), "a run that ended normally is finished");

        // As if stopped during the final evaluation: its steps are done, its last evaluation line is missing.
        var lines = File.ReadAllLines(folder.MetricsPath).ToList();
        lines.RemoveAt(lines.FindLastIndex(l => l.Contains("\"kind\":\"eval\"")));
        File.WriteAllLines(folder.MetricsPath, lines);
        Assert.False(RunCompletion.IsFinished(setup, folder, state), "without its final evaluation the run is not finished");

        var (second, _) = TrainerRuns.Train(config, folder, resume: true);

        Assert.Equal((first.EnvSteps, first.LearnerSteps), (second.EnvSteps, second.LearnerSteps));
        var finalEvaluation = EvaluationPoint.AllIn(MetricsLog.Read(folder.MetricsPath))[^1];
        Assert.Equal(state.LearnerSteps, finalEvaluation.LearnerSteps);
        Assert.True(RunCompletion.IsFinished(setup, folder, Checkpoint.LoadState(folder.CheckpointPath)));
    }

    // Records compare lists by reference; compare configurations through their YAML form.
    private sealed class ConfigEquality : IEqualityComparer<Training.Config.TrainingConfig>
    {
        public bool Equals(Training.Config.TrainingConfig? x, Training.Config.TrainingConfig? y) =>
            Training.Config.ConfigLoader.ToYaml(x!) == Training.Config.ConfigLoader.ToYaml(y!);

        public int GetHashCode(Training.Config.TrainingConfig obj) => 0;
    }
}
