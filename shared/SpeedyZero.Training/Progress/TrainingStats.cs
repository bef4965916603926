using SpeedyZero.Engine;

namespace SpeedyZero.Training.Progress;

/// <summary>
/// Live counters the roles of one process update and the progress display, the metrics log
/// and the final summary read. Writers are the roles' threads; every field is safe to read at any time.
/// </summary>
public sealed class TrainingStats
{
    private readonly Lock gate = new();
    private readonly Queue<double> recentReturns = new();
    private readonly List<EvaluationResult> evaluations = [];
    private long episodes;
    private long batchesProduced;
    private long freshPolicies;
    private long refreshedPositions;
    private long refreshSweeps;
    private long selfPlayVersionInUse = -1;
    private long targetVersionInUse = -1;
    private double throttledSeconds;
    private double learnerWaitSeconds;
    private long learnerWaitStarted; // Stopwatch timestamp of the wait in progress, 0 when none
    private TrainResult? lastTrainStep;

    /// <summary>Episodes the recent-return average covers.</summary>
    public const int RecentWindow = 20;

    public long Episodes => Interlocked.Read(ref episodes);

    public long BatchesProduced => Interlocked.Read(ref batchesProduced);

    public long FreshPolicies => Interlocked.Read(ref freshPolicies);

    public long RefreshedPositions => Interlocked.Read(ref refreshedPositions);

    public long RefreshSweeps => Interlocked.Read(ref refreshSweeps);

    public long SelfPlayVersionInUse => Interlocked.Read(ref selfPlayVersionInUse);

    public long TargetVersionInUse => Interlocked.Read(ref targetVersionInUse);

    public double ThrottledSeconds
    {
        get { lock (gate) return throttledSeconds; }
    }

    /// <summary>
    /// Time the learner waited for batches, including the wait in progress: a learner blocked
    /// for good (no reanalyzer left) shows its starvation while it lasts, not only once a batch comes.
    /// </summary>
    public double LearnerWaitSeconds
    {
        get
        {
            lock (gate)
            {
                return learnerWaitSeconds + (learnerWaitStarted == 0 ? 0 : System.Diagnostics.Stopwatch.GetElapsedTime(learnerWaitStarted).TotalSeconds);
            }
        }
    }

    public TrainResult? LastTrainStep
    {
        get { lock (gate) return lastTrainStep; }
    }

    /// <summary>Mean return of the last <see cref="RecentWindow"/> self-play episodes (NaN before the first).</summary>
    public double RecentReturn
    {
        get
        {
            lock (gate) return recentReturns.Count == 0 ? double.NaN : recentReturns.Average();
        }
    }

    public IReadOnlyList<EvaluationResult> Evaluations
    {
        get { lock (gate) return evaluations.ToList(); }
    }

    public void RecordEpisode(double episodeReturn)
    {
        Interlocked.Increment(ref episodes);
        lock (gate)
        {
            recentReturns.Enqueue(episodeReturn);
            if (recentReturns.Count > RecentWindow) recentReturns.Dequeue();
        }
    }

    public void RecordBatch(int fresh)
    {
        Interlocked.Increment(ref batchesProduced);
        Interlocked.Add(ref freshPolicies, fresh);
    }

    public void RecordRefresh(int positions, bool sweepCompleted)
    {
        Interlocked.Add(ref refreshedPositions, positions);
        if (sweepCompleted) Interlocked.Increment(ref refreshSweeps);
    }

    public void RecordWeightsInUse(Channels.WeightsKind kind, long version)
    {
        if (kind == Channels.WeightsKind.SelfPlay) Interlocked.Exchange(ref selfPlayVersionInUse, version);
        else Interlocked.Exchange(ref targetVersionInUse, version);
    }

    public void AddThrottled(double seconds)
    {
        lock (gate) throttledSeconds += seconds;
    }

    /// <summary>The learner starts waiting for a batch; <see cref="LearnerWaitSeconds"/> grows until <see cref="EndLearnerWait"/>.</summary>
    public void BeginLearnerWait()
    {
        lock (gate) learnerWaitStarted = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public void EndLearnerWait()
    {
        lock (gate)
        {
            if (learnerWaitStarted == 0) return;
            learnerWaitSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(learnerWaitStarted).TotalSeconds;
            learnerWaitStarted = 0;
        }
    }

    public void RecordTrainStep(TrainResult summary)
    {
        lock (gate) lastTrainStep = summary;
    }

    public void RecordEvaluation(EvaluationResult result)
    {
        lock (gate) evaluations.Add(result);
    }
}

/// <summary>One greedy evaluation: returns of its episodes at a learner step.</summary>
public sealed record EvaluationResult(long LearnerStep, long EnvSteps, IReadOnlyList<double> Returns)
{
    public double Mean => Returns.Average();

    public double StandardDeviation => Returns.StandardDeviation();

    public double Min => Returns.Min();

    public double Max => Returns.Max();
}
