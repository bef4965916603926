using SpeedyZero.Reporting.Plots;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Embedded;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Training.Tests.Embedded;

/// <summary>Runs the embedded trainer quietly in a temporary folder.</summary>
internal static class TrainerRuns
{
    public static TrainingConfig Config(string preset, params string[] overrides) =>
        ConfigLoader.Load(preset, null, new Dictionary<string, string>(), overrides);

    public static (TrainingSummary Summary, RunFolder Folder) Train(TrainingConfig config, RunFolder? folder = null, bool resume = false)
    {
        folder ??= new RunFolder(Path.Combine(Path.GetTempPath(), "speedyzero-tests", Guid.NewGuid().ToString("N")));
        File.WriteAllText(folder.ConfigPath, ConfigLoader.ToYaml(config));
        var summary = new EmbeddedTrainer(new TrainRequest(config, folder, resume) { Curves = LearningCurves.Write })
            .Run(new CancellationTokenSource(TimeSpan.FromMinutes(4)).Token);
        return (summary, folder);
    }

    /// <summary>A tiny network and short rhythm, so a run of a few hundred steps exercises every role.</summary>
    public static readonly string[] Tiny =
    [
        "model.hidden=16", "model.latent=16", "model.head_hidden=8", "model.lstm_hidden=8", "model.channels=4",
        "model.head_channels=2", "model.projection_hidden=16", "model.projection_out=16", "model.predictor_hidden=8",
        "search.simulations=4", "reanalyze.simulations=2", "learner.batch_size=16", "replay.warmup_transitions=64",
        "learner.selfplay_weights_every=5", "learner.target_weights_every=10", "refresh.batch_size=32",
        "refresh.every_learner_steps=2", "eval.episodes=2", "eval.every=50", "env.parallel=4", "replay.segment_length=16",
    ];
}
