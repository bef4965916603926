using SpeedyZero.Core.Environments;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Setup;
using SpeedyZero.Training.Tests.Embedded;

namespace SpeedyZero.Training.Tests.Roles;

public sealed class EpisodeInspectorTests
{
    [Fact]
    public void Records_every_step_of_a_greedy_episode_with_its_discounted_return_to_go()
    {
        var setup = new TrainingSetup(TrainerRuns.Config("cartpole", TrainerRuns.Tiny));
        using var inspector = FreshInspector(setup);

        var episode = inspector.Play(seed: 7);

        var n = episode.Steps.Count;
        Assert.InRange(n, 1, 500);
        Assert.Equal(n, episode.Return); // CartPole: reward 1 per step
        Assert.Equal(n == 500 ? EpisodeEnd.Truncated : EpisodeEnd.Terminated, episode.End);
        var discount = setup.Config.Algorithm.Discount;
        Assert.Equal((1 - Math.Pow(discount, n)) / (1 - discount), episode.Steps[0].ReturnToGo, 6);
        Assert.Equal(1.0, episode.Steps[^1].ReturnToGo, 9);
        Assert.Equal(Enumerable.Range(0, n), episode.Steps.Select(s => s.Step));
        Assert.All(episode.Steps, s =>
        {
            Assert.InRange(s.PriorMax, 0.5f, 1f); // two actions
            Assert.InRange(s.VisitMax, 0.5f, 1f);
            Assert.InRange(s.Action, 0, 1);
            Assert.True(float.IsFinite(s.Value) && float.IsFinite(s.RootValue) && float.IsFinite(s.ValueAfterAction));
        });

        // A fresh network's value is zero (up to float rounding): the error is the mean return to go.
        Assert.True(Math.Abs(episode.Steps.Average(s => s.ReturnToGo) - episode.MeanValueError) < 1e-3);
    }

    [Fact]
    public void Summaries_compare_the_value_with_the_return_that_followed()
    {
        static InspectedStep Step(int t, float value, double toGo) => new(t, value, value, toGo, 0.6f, 0.8f, 0, value - 1);
        var tracking = new InspectedEpisode(3, EpisodeEnd.Terminated, [Step(0, 2.5f, 3), Step(1, 2.5f, 2), Step(2, 0.5f, 1)]);
        Assert.Equal((0.5 + 0.5 + 0.5) / 3, tracking.MeanValueError, 9);
        Assert.True(tracking.ValueCorrelation > 0.8, $"correlation {tracking.ValueCorrelation}");
        // Values after the action 1.5, 1.5 against next values 2.5, 0.5.
        Assert.Equal((1.0 + 1.0) / 2, tracking.MeanOneStepGap, 6);

        var reversed = tracking with { Steps = [Step(0, 1, 3), Step(1, 2, 2), Step(2, 3, 1)] };
        Assert.Equal(-1.0, reversed.ValueCorrelation, 9);

        var flat = tracking with { Steps = [Step(0, 5, 3), Step(1, 5, 2), Step(2, 5, 1)] };
        Assert.True(double.IsNaN(flat.ValueCorrelation), "a constant value has no correlation");
        Assert.Equal(0.6, flat.MeanPriorMax, 6);
        Assert.Equal(0.8, flat.MeanVisitMax, 6);
    }

    [Fact]
    public void Stops_at_the_step_limit()
    {
        var setup = new TrainingSetup(TrainerRuns.Config("cartpole", TrainerRuns.Tiny));
        using var inspector = FreshInspector(setup);

        var episode = inspector.Play(seed: 7, maxSteps: 3);

        Assert.Equal(3, episode.Steps.Count);
        Assert.Equal(EpisodeEnd.None, episode.End);
    }

    // An inspector over a freshly initialised model of the setup.
    private static EpisodeInspector FreshInspector(TrainingSetup setup)
    {
        using var model = setup.CreateModel();
        return new EpisodeInspector(setup, model.ExportWeights());
    }
}
