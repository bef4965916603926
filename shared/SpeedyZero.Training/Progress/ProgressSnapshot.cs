using SpeedyZero.Engine;

namespace SpeedyZero.Training.Progress;

/// <summary>One reading of a run's progress, as shown live and logged as a "progress" record.</summary>
public sealed record ProgressSnapshot(
    double ElapsedSeconds,
    long EnvSteps,
    long TotalEnvSteps,
    long LearnerSteps,
    long Episodes,
    double RecentReturn,
    double EnvStepsPerSecond,
    double LearnerStepsPerSecond,
    long ReplayTransitions,
    int BatchQueue,
    double ThrottledSeconds,
    double LearnerWaitSeconds,
    long RefreshedPositions,
    TrainResult? Losses,
    EvaluationResult? LastEvaluation,
    long ResidentMemoryBytes)
{
    /// <summary>This process's resident set size now (what the kernel's OOM killer weighs).</summary>
    public static long ResidentMemoryNow() => Environment.WorkingSet;

    public IEnumerable<KeyValuePair<string, double>> AsMetrics() =>
    [
        new("env_steps", EnvSteps),
        new("learner_steps", LearnerSteps),
        new("episodes", Episodes),
        new("recent_return", RecentReturn),
        new("env_steps_per_s", EnvStepsPerSecond),
        new("learner_steps_per_s", LearnerStepsPerSecond),
        new("replay_transitions", ReplayTransitions),
        new("batch_queue", BatchQueue),
        new("actor_throttled_s", ThrottledSeconds),
        new("learner_wait_s", LearnerWaitSeconds),
        new("refreshed_positions", RefreshedPositions),
        new("resident_memory_bytes", ResidentMemoryBytes),
    ];
}
