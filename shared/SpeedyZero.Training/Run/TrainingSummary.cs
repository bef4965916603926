using SpeedyZero.Core.Replay;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Progress;

namespace SpeedyZero.Training.Run;

/// <summary>What a finished run reports: where it ended, how fast, and how well the greedy policy plays.</summary>
public sealed record TrainingSummary(
    string Environment,
    long Seed,
    string RunFolder,
    long EnvSteps,
    long LearnerSteps,
    long Episodes,
    double WallClockSeconds,
    double FinalReturnMean,
    double FinalReturnStd,
    int FinalEpisodes,
    double BestReturnMean,
    double RandomReturnMean,
    long? SolvedAtEnvSteps,
    double? SolvedReturn,
    double ActorPausedSeconds,
    double LearnerWaitSeconds,
    long ReplayTransitions,
    bool Resumed)
{
    public static TrainingSummary From(TrainingConfig config, TrainingStats stats, IReadOnlyList<EvaluationPoint> evaluations,
        long envSteps, long learnerSteps, TimeSpan elapsed, RunFolder folder, RunState? resumed, ReplayStatus replay, double randomReturn)
    {
        var last = evaluations.LastOrDefault();
        var solved = config.Eval.SolvedReturn;
        var solvedAt = solved is null ? null : evaluations.FirstOrDefault(e => e.Mean >= solved)?.EnvSteps;
        return new TrainingSummary(config.Env.Name, config.Run.Seed, folder.Root, envSteps, learnerSteps,
            stats.Episodes + (resumed?.Episodes ?? 0), elapsed.TotalSeconds,
            last?.Mean ?? double.NaN, last?.StandardDeviation ?? double.NaN, last?.Episodes ?? 0,
            evaluations.Count == 0 ? double.NaN : evaluations.Max(e => e.Mean), randomReturn, solvedAt, solved,
            stats.ThrottledSeconds, stats.LearnerWaitSeconds, replay.Transitions, resumed is not null);
    }
}
