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
    ProcessMemory Memory)
{
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
        new("resident_memory_bytes", Memory.ResidentBytes),
        new("managed_memory_bytes", Memory.ManagedBytes),
    ];
}

/// <summary>
/// This process's memory: its resident set (what the kernel's OOM killer weighs) and the part of it the .NET
/// garbage collector has committed, so that a climb in the first can be told apart: managed objects or native
/// (libtorch, oneDNN, glibc's arenas).
/// </summary>
public readonly record struct ProcessMemory(long ResidentBytes, long ManagedBytes)
{
    // TotalCommittedBytes is as of the last collection (0 before the first).
    public static ProcessMemory Now() => new(Environment.WorkingSet, GC.GetGCMemoryInfo().TotalCommittedBytes);
}
