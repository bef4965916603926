using SpeedyZero.Engine;

namespace SpeedyZero.Bench.Suites;

/// <summary>The native engine: call overhead and raw BLAS speed behind libtorch.</summary>
public sealed class EngineBench : IBenchSuite
{
    public string Name => "engine";

    public string Description => "native engine: C# -> native call overhead, libtorch matmul throughput";

    public Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        EngineRuntime.EnsureLoaded();
        EngineRuntime.Threads = Environment.ProcessorCount;
        report.Add("threads", EngineRuntime.Threads, "threads");

        var emptyCall = Measure.SecondsPerCall(() => _ = EngineRuntime.Threads);
        report.Add("empty native call", emptyCall * 1e9, "ns/call", "sz_get_num_threads through the bindings");

        const int n = 512;
        var a = new float[n * n];
        var b = new float[n * n];
        var random = new Random(0);
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = (float)random.NextDouble();
            b[i] = (float)random.NextDouble();
        }

        var matmul = Measure.SecondsPerCall(() => EngineRuntime.ProbeMatmul(a, b, n, n, n));
        report.Add("matmul 512x512", 2.0 * n * n * n / matmul / 1e9, "GFLOP/s",
            "~4 GFLOP/s means the reference BLAS is in use: install libopenblas0-pthread");
        return Task.CompletedTask;
    }
}
