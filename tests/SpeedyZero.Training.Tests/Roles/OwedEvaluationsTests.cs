using SpeedyZero.Training.Roles.Evaluator;

namespace SpeedyZero.Training.Tests.Roles;

/// <summary>Evaluations asked for and not recorded stay owed, so a checkpoint can carry the oldest over a stop.</summary>
public class OwedEvaluationsTests
{
    [Fact]
    public void A_request_stays_owed_until_an_evaluation_at_its_step_or_later_is_recorded()
    {
        var sent = new List<EvaluationRequest>();
        var owed = new OwedEvaluations(sent.Add);
        Assert.Null(owed.Oldest());
        var first = new EvaluationRequest(10, 100, [1]);
        owed.Ask(first);
        owed.Ask(new EvaluationRequest(20, 200, [2]));
        Assert.Same(first, owed.Oldest());
        Assert.Equal([10L, 20L], sent.Select(r => r.LearnerStep));

        owed.Recorded(10);
        Assert.Equal(20, owed.Oldest()!.LearnerStep);

        // The evaluator replaced 20 with 30 before starting it: recording 30 settles both.
        owed.Ask(new EvaluationRequest(30, 300, [3]));
        owed.Recorded(30);
        Assert.Null(owed.Oldest());
    }

    [Fact]
    public void Without_an_evaluator_the_oldest_is_kept_and_the_requests_held_stay_bounded()
    {
        var sent = new List<EvaluationRequest>();
        var owed = new OwedEvaluations(sent.Add);
        for (var step = 0; step < 10; step++) owed.Ask(new EvaluationRequest(step * 10, step * 100, new byte[1 << 20]));
        Assert.Equal(0, owed.Oldest()!.LearnerStep);

        // The ones between the oldest and the newest two were let go.
        owed.Recorded(0);
        Assert.Equal(80, owed.Oldest()!.LearnerStep);
        owed.Recorded(80);
        Assert.Equal(90, owed.Oldest()!.LearnerStep);
    }
}
