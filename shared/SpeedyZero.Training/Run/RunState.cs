namespace SpeedyZero.Training.Run;

/// <summary>Counters a checkpoint stores beside the model and the replay, so a resumed run continues them.</summary>
public sealed record RunState
{
    public long LearnerSteps { get; init; }
    public long EnvSteps { get; init; }
    public long Episodes { get; init; }
    public double ElapsedSeconds { get; init; }
    public long TargetVersion { get; init; }

    /// <summary>The evaluation requested but not recorded when the checkpoint was taken (its weights beside it), if any.</summary>
    public PendingEvaluation? PendingEvaluation { get; init; }
}

/// <summary>The steps of an evaluation a checkpoint keeps; its weights are the checkpoint's evaluation.weights.</summary>
public sealed record PendingEvaluation(long LearnerStep, long EnvSteps);
