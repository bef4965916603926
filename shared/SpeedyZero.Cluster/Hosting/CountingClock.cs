using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>A run clock that also counts the env steps this process added (for speedyzero_env_steps_total).</summary>
public sealed class CountingClock(IRunClock inner) : IRunClock
{
    private long added;

    public long Added => Interlocked.Read(ref added);

    public long EnvSteps => inner.EnvSteps;

    public long LearnerSteps => inner.LearnerSteps;

    public void AddEnvSteps(long steps)
    {
        Interlocked.Add(ref added, steps);
        inner.AddEnvSteps(steps);
    }

    public void SetLearnerSteps(long steps) => inner.SetLearnerSteps(steps);
}
