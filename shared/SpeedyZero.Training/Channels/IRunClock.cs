namespace SpeedyZero.Training.Channels;

/// <summary>
/// Shared progress of the run: environment steps collected and learner steps taken. Actors
/// and the learner use it to hold the configured update-to-collect ratio.
/// </summary>
public interface IRunClock
{
    long EnvSteps { get; }

    long LearnerSteps { get; }

    void AddEnvSteps(long steps);

    void SetLearnerSteps(long steps);
}
