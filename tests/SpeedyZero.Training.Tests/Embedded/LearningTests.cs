namespace SpeedyZero.Training.Tests.Embedded;

/// <summary>
/// Catch is always winnable: a working learner reaches a greedy return near 1 in a few thousand
/// steps, while the same run with a learning rate too small to move the weights stays near the random policy's score.
/// </summary>
public class LearningTests
{
    [Fact]
    public void Working_learner_masters_catch()
    {
        var (summary, _) = TrainerRuns.Train(TrainerRuns.Config("catch", "run.env_steps=4000"));

        // Random play scores about -0.2; 0.9 means at least 19 of 20 balls caught. One late
        // evaluation may dip by a few catches while the policy is still moving, so the final one
        // is held to "no collapse" rather than to the peak.
        Assert.True(summary.BestReturnMean >= 0.9,
            $"best greedy return {summary.BestReturnMean:0.##} within {summary.EnvSteps} env steps");
        Assert.True(summary.FinalReturnMean >= 0.6,
            $"final greedy return {summary.FinalReturnMean:0.##} after {summary.EnvSteps} env steps (best {summary.BestReturnMean:0.##})");
    }

    [Fact]
    public void Learner_that_cannot_update_does_not()
    {
        var (summary, _) = TrainerRuns.Train(TrainerRuns.Config("catch", "run.env_steps=1000", "optimizer.learning_rate=1e-9"));

        Assert.True(summary.BestReturnMean < 0.6, $"best greedy return {summary.BestReturnMean:0.##} without learning");
    }
}
