using SpeedyZero.Core.Model;
using SpeedyZero.Engine;

namespace SpeedyZero.Bench.Suites;

/// <summary>
/// The native engine on the issue's reference network: inference and train-step times against
/// PyTorch 1.13 reference figures, plus the cost of crossing from C# to native.
/// </summary>
public sealed class EngineBench : IBenchSuite
{
    // Measured by the issue's author with PyTorch 1.13 on a 2-core AVX-512 machine (2 threads), not in this
    // run: there is no PyTorch here. Ratios above 1 mean the engine is faster; on another CPU they compare
    // two machines as much as two programs (an AVX2 EPYC reads 0.3-0.4, docs/engine-runtime.md).
    private static readonly Dictionary<int, (double Initial, double Recurrent)> PyTorchMs = new()
    {
        [1] = (0.47, 0.73),
        [16] = (0.89, 1.46),
        [256] = (7.8, 13.5),
    };

    private const double PyTorchTrainMs = 475;
    private const string ReferenceNote = "PyTorch 1.13 reference from the issue author on a 2-core AVX-512 machine, not measured in this run";

    public string Name => "engine";

    public string Description => "native engine: reference network inference and train step, C# -> native overhead, matmul throughput";

    /// <summary>Grid 4x10x10, 32 channels, 1 block, 4 actions, LSTM 64, support 601 bins, projection 256/256/64/256.</summary>
    public static ModelSpec ReferenceNetwork() => ModelSpec.Grid(4, 10, 10, 4) with
    {
        Model = new ModelConfig
        {
            Channels = 32, Blocks = 1, HeadChannels = 16, HeadHidden = 32, LstmHidden = 64,
            ValueSupport = 300, ValuePrefixSupport = 300,
            ProjectionHidden = 256, ProjectionOut = 256, PredictorHidden = 64,
        },
        Unroll = 5,
    };

    public Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        EngineRuntime.EnsureLoaded();
        EngineRuntime.Threads = ThreadsFromEnvironment();
        report.Add("threads", EngineRuntime.Threads, "threads");
        var tunables = Environment.GetEnvironmentVariable("GLIBC_TUNABLES");
        report.Add("glibc malloc tunables set", string.IsNullOrEmpty(tunables) ? 0 : 1, "bool", $"GLIBC_TUNABLES={tunables ?? "(unset)"}");

        var emptyCall = Measure.SecondsPerCall(EngineRuntime.EmptyCall);
        report.Add("empty native call", emptyCall * 1e9, "ns/call", "sz_noop through the bindings");

        Matmul(report);

        using var model = EfficientZeroModel.Create(ReferenceNetwork());
        foreach (var batch in new[] { 1, 16, 256 })
        {
            cancellationToken.ThrowIfCancellationRequested();
            Inference(report, model, batch);
        }

        cancellationToken.ThrowIfCancellationRequested();
        Train(report, model);
        return Task.CompletedTask;
    }

    // The issue's reference figures are for 2 threads; SPEEDYZERO_BENCH_THREADS overrides it, e.g. to
    // compare with 1 thread when other processes contend for the cores (docs/engine-runtime.md).
    private static int ThreadsFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("SPEEDYZERO_BENCH_THREADS"), out var threads) && threads > 0 ? threads : 2;

    private static void Inference(BenchReport report, EfficientZeroModel model, int batch)
    {
        var shape = model.Shape;
        var random = new Random(batch);
        var observations = Enumerable.Range(0, batch * shape.ObservationSize).Select(_ => (float)random.NextDouble()).ToArray();
        var actions = Enumerable.Range(0, batch).Select(_ => random.Next(shape.ActionCount)).ToArray();
        var o = new Buffers(shape, batch);
        var n = new Buffers(shape, batch);
        var budget = batch == 256 ? 2.0 : 1.0;

        var initial = Measure.SecondsPerCall(() => model.InitialInference(observations, batch, o.View()), budget);
        var recurrent = Measure.SecondsPerCall(() => model.RecurrentInference(o.Latent, o.Hidden, o.Cell, actions, batch, n.View()), budget);
        var reference = PyTorchMs[batch];
        report.Add($"initial inference b={batch}", initial * 1e3, "ms/batch", $"x{reference.Initial / (initial * 1e3):F2} vs {reference.Initial} ms ({ReferenceNote})");
        report.Add($"recurrent inference b={batch}", recurrent * 1e3, "ms/batch", $"x{reference.Recurrent / (recurrent * 1e3):F2} vs {reference.Recurrent} ms ({ReferenceNote})");

        if (batch is 1 or 256)
        {
            // The same calls timed by a loop inside the library: the difference is the boundary.
            var iterations = batch == 1 ? 2000 : 100;
            var nativeInitial = model.MeasureNativeInference(batch, recurrent: false, iterations);
            var nativeRecurrent = model.MeasureNativeInference(batch, recurrent: true, iterations);
            report.Add($"initial inference b={batch}, C++ loop", nativeInitial * 1e3, "ms/batch", $"C# call adds {(initial - nativeInitial) * 1e6:F1} us");
            report.Add($"recurrent inference b={batch}, C++ loop", nativeRecurrent * 1e3, "ms/batch", $"C# call adds {(recurrent - nativeRecurrent) * 1e6:F1} us");
        }
    }

    private static void Train(BenchReport report, EfficientZeroModel model)
    {
        const int batch = 256;
        var shape = model.Shape;
        var k = model.Unroll;
        var random = new Random(42);
        var train = new TrainBatch(batch, k, shape.ObservationSize, shape.ActionCount);
        for (var i = 0; i < train.Observations.Length; i++) train.Observations[i] = (float)random.NextDouble();
        for (var i = 0; i < train.Actions.Length; i++) train.Actions[i] = random.Next(shape.ActionCount);
        Array.Fill(train.Masks, 1f);
        for (var i = 0; i < train.TargetValuePrefixes.Length; i++) train.TargetValuePrefixes[i] = -3 + (6 * (float)random.NextDouble());
        for (var i = 0; i < train.TargetValues.Length; i++) train.TargetValues[i] = -10 + (20 * (float)random.NextDouble());
        Array.Fill(train.TargetPolicies, 1f / shape.ActionCount);
        for (var i = 0; i < train.Weights.Length; i++) train.Weights[i] = 0.5f + (0.5f * (float)random.NextDouble());
        var priorities = new float[batch];

        var seconds = Measure.SecondsPerCall(() => model.TrainStep(train, priorities), budgetSeconds: 8, warmupCalls: 2);
        report.Add("train step b=256 K=5", seconds * 1e3, "ms/step", $"x{PyTorchTrainMs / (seconds * 1e3):F2} vs {PyTorchTrainMs} ms ({ReferenceNote})");
    }

    private static void Matmul(BenchReport report)
    {
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
    }

    private sealed class Buffers(ModelShape shape, int batch)
    {
        public float[] Latent { get; } = new float[batch * shape.LatentSize];
        public float[] Hidden { get; } = new float[batch * shape.LstmHiddenSize];
        public float[] Cell { get; } = new float[batch * shape.LstmHiddenSize];
        private float[] ValuePrefix { get; } = new float[batch];
        private float[] Value { get; } = new float[batch];
        private float[] Policy { get; } = new float[batch * shape.ActionCount];

        public InferenceOutputs View() => new(Latent, Hidden, Cell, ValuePrefix, Value, Policy);
    }
}
