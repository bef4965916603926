namespace SpeedyZero.Training.Run;

/// <summary>Counters a checkpoint stores beside the model and the replay, so a resumed run continues them.</summary>
public sealed record RunState
{
    public long LearnerSteps { get; init; }
    public long EnvSteps { get; init; }
    public long Episodes { get; init; }
    public double ElapsedSeconds { get; init; }
    public long TargetVersion { get; init; }
}
