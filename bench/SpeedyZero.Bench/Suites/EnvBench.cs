using SpeedyZero.Core.Environments;

namespace SpeedyZero.Bench.Suites;

/// <summary>Environment stepping speed: random actions, one thread, observation written every step.</summary>
public sealed class EnvBench : IBenchSuite
{
    // MinAtar's own Python implementation, measured by the issue author on this machine kind (issue 4).
    private const double ReferenceLowStepsPerSecond = 40_000;
    private const double ReferenceHighStepsPerSecond = 320_000;
    private const int StepsPerCall = 4_096;
    private const int VectorInstances = 64;
    // Long enough for tiered JIT to replace the first-tier code of the step paths before timing.
    private const int WarmupCalls = 100;

    public string Name => "env";

    public string Description => "environments: steps per second with random actions, single-threaded (target >= 10x MinAtar's Python)";

    public Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var slowestMinAtar = double.MaxValue;
        foreach (var name in EnvironmentRegistry.Names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stepsPerSecond = SingleStepsPerSecond(name);
            var isMinAtar = name != "cartpole";
            if (isMinAtar) slowestMinAtar = Math.Min(slowestMinAtar, stepsPerSecond);
            report.Add($"{name} steps/s", stepsPerSecond, "steps/s",
                isMinAtar ? $"{stepsPerSecond / ReferenceHighStepsPerSecond:F1}x MinAtar's fastest reference (320k)" : "CartPole-v1, double-precision Euler");
        }

        const string notMeasured = "reference: MinAtar's Python, 40k-320k steps/s by game, measured by the issue author on this "
                                   + "machine kind; NOT measured in this run (no Python MinAtar here)";
        report.Add("slowest game / fastest reference", slowestMinAtar / ReferenceHighStepsPerSecond, "x",
            $"conservative: every game against 320k steps/s; target >= 10x; {notMeasured}");
        report.Add("slowest game / slowest reference", slowestMinAtar / ReferenceLowStepsPerSecond, "x", $"against 40k steps/s; {notMeasured}");

        foreach (var name in new[] { "breakout", "seaquest" })
        {
            cancellationToken.ThrowIfCancellationRequested();
            report.Add($"{name} x{VectorInstances} vector steps/s", VectorStepsPerSecond(name), "steps/s",
                "instance steps per second through VectorEnvironment, auto-reset included");
        }

        return Task.CompletedTask;
    }

    private static double SingleStepsPerSecond(string name)
    {
        var env = EnvironmentRegistry.Create(name);
        var observation = new float[env.ObservationShape.Size];
        var policy = new Xoshiro256(1);
        var actions = env.ActionCount;
        env.Reset(7, observation);
        var seconds = Measure.SecondsPerCall(() =>
        {
            for (var i = 0; i < StepsPerCall; i++)
            {
                if (env.Step(policy.NextInt(actions), observation).Done) env.Reset(observation);
            }
        }, warmupCalls: WarmupCalls);
        return StepsPerCall / seconds;
    }

    private static double VectorStepsPerSecond(string name)
    {
        var vector = VectorEnvironment.Create(name, VectorInstances);
        var buffers = vector.CreateBuffers();
        var actions = new int[VectorInstances];
        var policy = new Xoshiro256(2);
        vector.Reset(3, buffers);
        const int stepsPerCall = 64;
        var seconds = Measure.SecondsPerCall(() =>
        {
            for (var s = 0; s < stepsPerCall; s++)
            {
                for (var i = 0; i < actions.Length; i++) actions[i] = policy.NextInt(vector.ActionCount);
                vector.Step(actions, buffers);
            }
        }, warmupCalls: WarmupCalls);
        return stepsPerCall * VectorInstances / seconds;
    }
}
