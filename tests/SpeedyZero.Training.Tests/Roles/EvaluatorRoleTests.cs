using SpeedyZero.Core.Environments;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Setup;
using SpeedyZero.Training.Tests.Embedded;

namespace SpeedyZero.Training.Tests.Roles;

public sealed class EvaluatorRoleTests
{
    [Fact]
    public void Reports_each_episode_s_return_and_length()
    {
        var played = PlayFresh("cartpole", seed: 11, "eval.episodes=3", "env.max_episode_steps=40");

        // CartPole pays 1 per step, so an episode's return is its length; the step limit bounds both.
        Assert.Equal(3, played.Count);
        Assert.Equal(played.Returns, played.Lengths.Select(n => (double)n));
        Assert.All(played.Lengths, n => Assert.InRange(n, 1, 40));
        Assert.Equal(played.Lengths.Average(), played.MeanLength, 9);
    }

    [Fact]
    public void Catch_episodes_last_until_the_ball_reaches_the_paddle_row()
    {
        var played = PlayFresh("catch", seed: 5, "eval.episodes=4");

        Assert.All(played.Lengths, n => Assert.Equal(Catch.DefaultRows - 1, n));
        Assert.All(played.Returns, r => Assert.True(r is 1 or -1, $"catch return {r}"));
    }

    [Fact]
    public void Eval_max_episode_steps_ends_episodes_early_and_keeps_their_return()
    {
        var played = PlayFresh("cartpole", seed: 11, "eval.episodes=3", "eval.max_episode_steps=5");

        // A fresh network cannot fail CartPole within 5 steps (the pole needs more to fall).
        Assert.All(played.Lengths, n => Assert.Equal(5, n));
        Assert.All(played.Returns, r => Assert.Equal(5.0, r));
    }

    [Fact]
    public void Progress_counts_every_step_until_the_longest_episode_ends()
    {
        var setup = new TrainingSetup(TrainerRuns.Config("cartpole", [.. TrainerRuns.Tiny, "eval.episodes=4", "env.max_episode_steps=40"]));
        using var model = setup.CreateModel();
        using var evaluator = new EvaluatorRole(setup);
        var reports = new List<EvaluationProgress>();

        var played = evaluator.Run(model.ExportWeights(), 11, CancellationToken.None, new Recorder(reports));

        // One report per lock-step until the longest episode ends; after step k, the episodes of at most k steps have ended.
        Assert.Equal(played.Lengths.Max(), reports.Count);
        Assert.Equal(Enumerable.Range(1, reports.Count), reports.Select(r => r.Steps));
        Assert.All(reports, r => Assert.Equal(4, r.Episodes));
        Assert.All(reports, r => Assert.Equal(played.Lengths.Count(n => n <= r.Steps), r.Finished));
    }

    [Fact]
    public void A_cancelled_evaluation_is_not_a_result()
    {
        var setup = new TrainingSetup(TrainerRuns.Config("cartpole", [.. TrainerRuns.Tiny]));
        using var model = setup.CreateModel();
        using var evaluator = new EvaluatorRole(setup);

        Assert.Throws<OperationCanceledException>(() => evaluator.Run(model.ExportWeights(), 11, new CancellationToken(canceled: true)));
    }

    // Synchronous, unlike Progress<T>, which posts to a synchronisation context.
    private sealed class Recorder(List<EvaluationProgress> reports) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => reports.Add(value);
    }

    // Greedy episodes of a freshly initialised tiny network of the preset.
    private static GreedyEpisodes PlayFresh(string preset, ulong seed, params string[] overrides)
    {
        var setup = new TrainingSetup(TrainerRuns.Config(preset, [.. TrainerRuns.Tiny, .. overrides]));
        using var model = setup.CreateModel();
        using var evaluator = new EvaluatorRole(setup);
        return evaluator.Run(model.ExportWeights(), seed, CancellationToken.None);
    }
}
