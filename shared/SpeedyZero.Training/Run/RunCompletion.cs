using SpeedyZero.Training.Setup;

namespace SpeedyZero.Training.Run;

/// <summary>
/// Whether a run folder holds a finished run: its checkpoint at the configured env and learner steps, and
/// the final evaluation (at that last learner step) in its metrics. A run stopped during its final
/// evaluation has all its steps but is not finished: resuming it plays that evaluation.
/// </summary>
public static class RunCompletion
{
    public static bool IsFinished(TrainingSetup setup, RunFolder folder, RunState state) =>
        setup.IsFinished(state.EnvSteps, state.LearnerSteps)
        && EvaluationPoint.AllIn(MetricsLog.Read(folder.MetricsPath)).Any(e => e.LearnerSteps == state.LearnerSteps);
}
