using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Config;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>
/// Weights carry the learner step they were taken at; the version metrics count publications
/// (docs/metrics.md: the published version increases by one per publication), so that a lag of
/// N means N publications behind whatever learner.selfplay_weights_every/target_weights_every are.
/// </summary>
public static class WeightsVersions
{
    /// <summary>The publication number of weights taken at learner step <paramref name="step"/> (-1 for none yet).</summary>
    public static long Publication(long step, WeightsKind kind, TrainingConfig config) =>
        step < 0 ? -1 : step / (kind == WeightsKind.Target ? config.Learner.TargetWeightsEvery : config.Learner.SelfplayWeightsEvery);
}
