namespace SpeedyZero.Training.Roles.Evaluator;

/// <summary>
/// Hands evaluation requests from the learner to the evaluator thread without making the learner
/// wait: one slot, a newer request replacing one not yet started.
/// </summary>
public sealed class EvaluationQueue
{
    private readonly object gate = new();
    private EvaluationRequest? pending;
    private bool running;
    private bool serving;

    public void Request(EvaluationRequest request)
    {
        lock (gate)
        {
            pending = request;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Runs requests as they come until cancelled.</summary>
    public void Serve(Action<EvaluationRequest> evaluate, CancellationToken cancellationToken)
    {
        using var wake = cancellationToken.Register(() => { lock (gate) Monitor.PulseAll(gate); });
        lock (gate) serving = true;
        try
        {
            ServeUntilCancelled(evaluate, cancellationToken);
        }
        finally
        {
            lock (gate)
            {
                serving = false;
                Monitor.PulseAll(gate);
            }
        }
    }

    private void ServeUntilCancelled(Action<EvaluationRequest> evaluate, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            EvaluationRequest next;
            lock (gate)
            {
                while (pending is null && !cancellationToken.IsCancellationRequested) Monitor.Wait(gate);
                if (pending is null) return;
                next = pending;
                pending = null;
                running = true;
            }

            try
            {
                evaluate(next);
            }
            finally
            {
                lock (gate)
                {
                    running = false;
                    Monitor.PulseAll(gate);
                }
            }
        }
    }

    /// <summary>Waits until no evaluation is running or waiting (or nothing serves the queue any more).</summary>
    public void Drain()
    {
        lock (gate)
        {
            while (serving && (running || pending is not null)) Monitor.Wait(gate, 100);
        }
    }
}

/// <summary>Weights to evaluate, with the learner and environment steps at which they were produced.</summary>
public sealed record EvaluationRequest(long LearnerStep, long EnvSteps, byte[] Weights);
