using SpeedyZero.Training.Config;

namespace SpeedyZero.Training.Run;

/// <summary>
/// Every random stream of a run, derived from <c>run.seed</c> in one place for both modes. A role
/// started again after a resume (or a restarted pod) continues from the run's progress, so it does
/// not replay the stream it drew before; distinct processes of one role differ by their node number
/// (0 in one process, a hash of the node id in the cluster).
/// </summary>
public static class RunSeeds
{
    /// <summary>The replay's sampling stream.</summary>
    public static int Replay(TrainingConfig config) => unchecked((int)config.Run.Seed + 11);

    /// <summary>The evaluator's episodes (the same seed at every evaluation, so evaluations compare weights, not luck).</summary>
    public static ulong Evaluation(TrainingConfig config) => unchecked((ulong)config.Run.Seed + 1_000_003);

    /// <summary>An actor's environments and search noise, from the env steps collected when it started.</summary>
    public static long Actor(TrainingConfig config, long node, long envStepsAtStart) =>
        unchecked(config.Run.Seed * 7919 + envStepsAtStart + node * 0x5851F42D);

    /// <summary>A reanalysis worker's search noise, from the learner steps taken when it started.</summary>
    public static long Reanalyzer(TrainingConfig config, long node, int worker, long learnerStepsAtStart) =>
        unchecked(config.Run.Seed * 104729 + worker + 1 + learnerStepsAtStart + node * 0x5851F42D);

    /// <summary>A stable number for a process name (FNV-1a over its characters).</summary>
    public static long Node(string nodeId)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in nodeId)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return (long)(hash >> 20);
    }
}
