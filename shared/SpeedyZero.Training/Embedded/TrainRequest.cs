using SpeedyZero.Training.Config;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Training.Embedded;

/// <summary>What to train and where: a new run, or a resumed one (its folder holds a checkpoint).</summary>
public sealed record TrainRequest(TrainingConfig Config, RunFolder Folder, bool Resume)
{
    /// <summary>How progress is shown.</summary>
    public ProgressMode Progress { get; init; } = ProgressMode.Auto;

    /// <summary>Seconds between learning-curve refreshes during the run.</summary>
    public double CurvesEverySeconds { get; init; } = 30;
}

public enum ProgressMode
{
    /// <summary>Live panel on a terminal, lines otherwise.</summary>
    Auto,

    /// <summary>A plain line every few seconds.</summary>
    Lines,

    /// <summary>Nothing (tests).</summary>
    Quiet,
}
