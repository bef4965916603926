using SpeedyZero.Training.Config;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Training.Embedded;

/// <summary>What to train and where: a new run, or a resumed one (its folder holds a checkpoint).</summary>
public sealed record TrainRequest(TrainingConfig Config, RunFolder Folder, bool Resume)
{
    /// <summary>How progress is shown (SpeedyZero.Reporting's ProgressDisplay); null shows nothing.</summary>
    public IProgressDisplay? Progress { get; init; }

    /// <summary>Draws curves.png (SpeedyZero.Reporting's <c>LearningCurves.Write</c>); null draws none.</summary>
    public Action<RunFolder, TrainingConfig>? Curves { get; init; }

    /// <summary>Seconds between learning-curve refreshes during the run.</summary>
    public double CurvesEverySeconds { get; init; } = 30;
}
