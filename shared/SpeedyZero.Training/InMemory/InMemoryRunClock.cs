using SpeedyZero.Training.Channels;

namespace SpeedyZero.Training.InMemory;

/// <summary>Run progress shared by the roles of one process.</summary>
public sealed class InMemoryRunClock(long envSteps = 0, long learnerSteps = 0) : IRunClock
{
    private long envSteps = envSteps;
    private long learnerSteps = learnerSteps;

    public long EnvSteps => Interlocked.Read(ref envSteps);

    public long LearnerSteps => Interlocked.Read(ref learnerSteps);

    public void AddEnvSteps(long steps) => Interlocked.Add(ref envSteps, steps);

    public void SetLearnerSteps(long steps) => Interlocked.Exchange(ref learnerSteps, steps);
}
