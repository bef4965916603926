using SpeedyZero.Training.Roles.Evaluator;

namespace SpeedyZero.Training.Tests.Roles;

/// <summary>The evaluation queue remembers the request a stop cut short, so a checkpoint can keep it.</summary>
public class EvaluationQueueTests
{
    [Fact]
    public void An_evaluation_cut_short_stays_unfinished_and_a_recorded_one_does_not()
    {
        var queue = new EvaluationQueue();
        using var stop = new CancellationTokenSource();
        var recorded = new List<long>();
        queue.Request(new EvaluationRequest(10, 100, [1]));
        var serving = Task.Run(() => queue.Serve(request =>
        {
            if (request.LearnerStep == 20)
            {
                // The run stops while this one plays.
                stop.Cancel();
                stop.Token.ThrowIfCancellationRequested();
            }

            lock (recorded) recorded.Add(request.LearnerStep);
        }, stop.Token));

        Assert.True(SpinWait.SpinUntil(() => { lock (recorded) return recorded.Count == 1; }, TimeSpan.FromSeconds(10)));
        queue.Drain();
        Assert.Equal([10L], recorded);
        Assert.Null(queue.Unfinished());

        var cut = new EvaluationRequest(20, 200, [2]);
        queue.Request(cut);
        Assert.ThrowsAny<OperationCanceledException>(() => serving.GetAwaiter().GetResult());
        Assert.Same(cut, queue.Unfinished());
        Assert.Equal([10L], recorded);
    }
}
