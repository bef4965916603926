namespace SpeedyZero.Training.Roles.Evaluator;

/// <summary>
/// The evaluations a run asked for and has not recorded, so that a checkpoint can carry one over a
/// stop and the resume can ask for it again. Evaluators play requests in step order, a newer one
/// replacing one not yet started, so recording the evaluation at step s settles every request up
/// to s. Both modes keep one: the embedded trainer beside its evaluation queue, the cluster's
/// learner beside the evaluator service it cannot see into; <paramref name="send"/> hands a request on.
/// </summary>
public sealed class OwedEvaluations(Action<EvaluationRequest> send)
{
    // One being recorded, one playing, one waiting: a request between them would be replaced by a
    // newer one at the evaluator. The bound keeps a run without an evaluator from holding every
    // request's weights.
    private const int Kept = 3;

    private readonly object gate = new();
    private readonly SortedList<long, EvaluationRequest> owed = [];

    /// <summary>Owes the evaluation and sends the request.</summary>
    public void Ask(EvaluationRequest request)
    {
        lock (gate)
        {
            owed[request.LearnerStep] = request;
            if (owed.Count > Kept) owed.RemoveAt(1); // keep the oldest, which a checkpoint carries
        }

        send(request);
    }

    public void Recorded(long learnerStep)
    {
        lock (gate)
        {
            while (owed.Count > 0 && owed.Keys[0] <= learnerStep) owed.RemoveAt(0);
        }
    }

    /// <summary>The oldest request no recorded evaluation settled, or null.</summary>
    public EvaluationRequest? Oldest()
    {
        lock (gate) return owed.Count > 0 ? owed.Values[0] : null;
    }
}
