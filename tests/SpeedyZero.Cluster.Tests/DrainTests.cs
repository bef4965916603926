using SpeedyZero.Training.Run;

namespace SpeedyZero.Cluster.Tests;

/// <summary>SIGTERM: every role stops taking work and exits 0; the learner checkpoints the step it reached.</summary>
public class DrainTests
{
    [Fact]
    public async Task Sigterm_drains_every_role_and_the_learner_checkpoints_where_it_stopped()
    {
        await using var cluster = await LocalCluster.StartAsync(envSteps: 100_000, checkpointEvery: 100_000);
        var learner = await StartTrainingAsync(cluster, withEvaluator: true, learnerSteps: 5);

        foreach (var role in cluster.Roles.Values) role.Terminate();
        foreach (var role in cluster.Roles.Values)
        {
            Assert.True(await role.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, $"{role.Name}: {role.ExitCode}\n{role.Tail()}");
            Assert.Contains("draining", role.Output);
        }

        var state = Checkpoint.LoadState(cluster.CheckpointDir);
        Assert.True(state.LearnerSteps >= 5);
        Assert.Contains($"Checkpoint at learner step {state.LearnerSteps} ", learner.Output);
        Assert.True((await cluster.Context.Db.StringGetAsync(cluster.Context.Names.Finished)).IsNull); // drained, not finished
    }

    [Fact]
    public async Task An_evaluation_no_evaluator_answered_stays_owed_in_the_checkpoint_and_is_recorded_after_the_resume()
    {
        await using var cluster = await LocalCluster.StartAsync(envSteps: 100_000, checkpointEvery: 100_000);
        // No evaluator: the learner's requests (every 20 steps) go unanswered.
        var learner = await StartTrainingAsync(cluster, withEvaluator: false, learnerSteps: 25);
        learner.Terminate();
        Assert.True(await learner.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, learner.Tail());

        var state = Checkpoint.LoadState(cluster.CheckpointDir);
        var owed = Assert.IsType<PendingEvaluation>(state.PendingEvaluation);
        Assert.InRange(owed.LearnerStep, 0, state.LearnerSteps);
        Assert.Equal(0, owed.LearnerStep % 20);
        Assert.Empty(EvaluationPoint.AllIn(MetricsLog.Read(cluster.RunFolder.MetricsPath)));

        // An evaluator first (requests are not queued for a service that is not there), then the learner again.
        var evaluator = cluster.Start("evaluator", "evaluator");
        await cluster.WaitUntilAsync(() => evaluator.Metric("speedyzero_ready") == 1, TimeSpan.FromSeconds(90), "the evaluator ready");
        learner = cluster.Start("learner", "learner");
        await cluster.WaitUntilAsync(
            () => EvaluationPoint.AllIn(MetricsLog.Read(cluster.RunFolder.MetricsPath)).Any(e => e.LearnerSteps == owed.LearnerStep),
            TimeSpan.FromSeconds(180), $"the evaluation at learner step {owed.LearnerStep} recorded");
        // Output comes through the console logger's thread and a pipe: it can trail the metrics file.
        var askedAgain = $"Asking again for the evaluation at learner step {owed.LearnerStep}";
        await cluster.WaitUntilAsync(() => learner.Output.Contains(askedAgain, StringComparison.Ordinal), TimeSpan.FromSeconds(30), $"the learner printing \"{askedAgain}\"");
    }

    /// <summary>Replay, learner, a reanalyzer (and an evaluator where asked), ready; then an actor, until the learner has taken the steps.</summary>
    private static async Task<RoleProcess> StartTrainingAsync(LocalCluster cluster, bool withEvaluator, long learnerSteps)
    {
        cluster.Start("replay", "replay");
        var learner = cluster.Start("learner", "learner");
        cluster.Start("reanalyzer-1", "reanalyzer");
        if (withEvaluator) cluster.Start("evaluator", "evaluator");
        await cluster.WaitUntilAsync(() => cluster.Roles.Values.All(r => r.Metric("speedyzero_ready") == 1), TimeSpan.FromSeconds(90), "the roles ready");
        cluster.Start("actor-1", "actor");
        await cluster.WaitUntilAsync(() => learner.Metric("speedyzero_learner_step") >= learnerSteps, TimeSpan.FromSeconds(120), "learner steps");
        return learner;
    }
}
