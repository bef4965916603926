using System.Globalization;
using System.Text.Json;
using SpeedyZero.Core.Model;
using SpeedyZero.Engine;

namespace SpeedyZero.Bench.Suites;

/// <summary>
/// The native engine on the reference network against the same network in PyTorch, measured side by
/// side in this run: inference and train-step times of both, alternated round by round, their
/// ratios, and the share of the CPU's measured float32 peak each reaches; plus the cost of crossing from C#
/// to native. The PyTorch side is bench/reference/efficientzero_torch.py (TorchReference), checked
/// first to compute what the engine computes (TwinCheck).
/// </summary>
public sealed class EngineBench : IBenchSuite
{
    private static readonly int[] Batches = [1, 16, 256];
    private const int TrainBatchSize = 256;

    public string Name => "engine";

    public string Description =>
        "native engine against the same network in PyTorch (python3-torch), alternated in this run: inference, train step, share of the measured peak; C# -> native overhead";

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
        var threads = EngineRuntime.Threads;
        report.Add("threads", threads, "threads", "both sides");
        report.Add("jemalloc", NativeAllocator.Kind == MallocKind.Jemalloc ? 1 : 0, "bool", $"both sides: {NativeAllocator.Describe()}");
        report.Add("OpenBLAS kernels set by the engine", NativeBlas.CoreTypeSet is null ? 0 : 1, "bool", $"both sides: {NativeBlas.Describe()}");

        // Fails here, before anything is timed, when python3-torch is missing.
        var torch = TorchReference.Find();
        report.Add("PyTorch", 1, "found", $"torch {torch.Version} through {torch.Python}; script {Path.GetFileName(torch.Script)}");

        var emptyCall = Measure.SecondsPerCall(EngineRuntime.EmptyCall);
        report.Add("empty native call", emptyCall * 1e9, "ns/call", "sz_noop through the bindings");

        Matmul(report);

        cancellationToken.ThrowIfCancellationRequested();
        var check = TwinCheck.Run(ReferenceNetwork(), torch, threads);
        report.Add("networks equal: parameters", check.Parameters, "parameters",
            $"{check.Tensors} tensors of the engine's exported weights loaded into the PyTorch network by name and shape; parameter count per module equal");
        report.Add("networks equal: largest difference", check.LargestDifference, "relative",
            $"{check.LargestName}; engine against PyTorch on the same weights and inputs: initial and recurrent inference, 2 train steps " +
            $"(losses, gradient norm, priorities, weights after; training moved the weights by up to {check.WeightsMoved:G2})");

        var description = torch.Run(["describe", "--threads", threads.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(10));
        var flops = Flops(description.GetProperty("macs"));
        var torchBlas = description.GetProperty("blas").GetString();
        if (torchBlas != NativeBlas.CoreName)
        {
            throw new InvalidOperationException(
                $"PyTorch runs OpenBLAS's {torchBlas ?? "(no OpenBLAS)"} kernels, the engine {NativeBlas.CoreName ?? "(no OpenBLAS)"}: the sides would not compare");
        }

        using var model = EfficientZeroModel.Create(ReferenceNetwork());
        using var bf16Model = BFloat16Model(report);
        var inputs = Batches.ToDictionary(b => b, b => new InferenceInputs(model.Shape, b));
        var train = TrainInputs(model);
        var engine = new Dictionary<string, List<double>>();
        var pytorch = new Dictionary<string, Dictionary<string, List<double>>>();
        var peaks = new Dictionary<string, List<double>>();
        var peaksBf16 = new Dictionary<string, List<double>>();
        var engineBf16Inference = new Dictionary<string, List<double>>();
        var rounds = RoundsFromEnvironment();
        for (var round = 0; round < rounds; round++)
        {
            // Engine, then PyTorch, in every round: slow phases of the shared machine fall on both.
            foreach (var b in Batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (initial, recurrent) = Inference(model, inputs[b]);
                Add(engine, Figure("initial", b), initial);
                Add(engine, Figure("recurrent", b), recurrent);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var priorities = new float[TrainBatchSize];
            Add(engine, Figure("train", TrainBatchSize), Measure.SecondsPerCall(() => model.TrainStep(train, priorities), budgetSeconds: 8, warmupCalls: 2));
            if (bf16Model is not null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Add(engine, Figure("train_bf16", TrainBatchSize),
                    Measure.SecondsPerCall(() => bf16Model.TrainStep(train, priorities), budgetSeconds: 8, warmupCalls: 2));
                var (initial, recurrent) = Inference(bf16Model, inputs[256]);
                Add(engineBf16Inference, "initial", initial);
                Add(engineBf16Inference, "recurrent", recurrent);
            }

            cancellationToken.ThrowIfCancellationRequested();
            string[] time = ["time", "--threads", threads.ToString(CultureInfo.InvariantCulture)];
            var timed = torch.Run(bf16Model is null ? [.. time, "--skip", "train_bf16"] : time, TimeSpan.FromMinutes(20));
            foreach (var f in timed.GetProperty("figures").EnumerateArray())
            {
                var name = Figure(f.GetProperty("call").GetString()!, f.GetProperty("batch").GetInt32());
                var variants = pytorch.TryGetValue(name, out var v) ? v : pytorch[name] = [];
                Add(variants, f.GetProperty("variant").GetString()!, f.GetProperty("seconds").GetDouble());
            }

            foreach (var kernel in timed.GetProperty("peak").EnumerateObject())
            {
                Add(peaks, kernel.Name, kernel.Value.GetDouble());
            }

            if (timed.TryGetProperty("peak_bf16", out var bf16Peaks))
            {
                foreach (var kernel in bf16Peaks.EnumerateObject()) Add(peaksBf16, kernel.Name, kernel.Value.GetDouble());
            }
        }

        // The peak: the fastest float32 kernel measured (a rate only ever falls under contention).
        var (peakKernel, peak) = peaks.Select(p => (p.Key, p.Value.Max())).MaxBy(p => p.Item2);
        report.Add($"peak, {threads} threads", peak, "GFLOP/s",
            $"{peakKernel}, best of {rounds} rounds; every kernel's best: " +
            string.Join(", ", peaks.OrderByDescending(p => p.Value.Max()).Select(p => $"{p.Key} {p.Value.Max():F0}")));

        // bfloat16 figures are shares of the bfloat16 peak (several times the float32 one on CPUs that have it).
        var peakBf16 = double.NaN;
        if (peaksBf16.Count > 0)
        {
            (var kernel, peakBf16) = peaksBf16.Select(p => (p.Key, p.Value.Max())).MaxBy(p => p.Item2);
            report.Add($"bfloat16 peak, {threads} threads", peakBf16, "GFLOP/s", $"{kernel}, best of {rounds} rounds");
        }

        foreach (var name in engine.Keys)
        {
            Compare(report, name, engine[name], pytorch[name], flops[name], name == Figure("train_bf16", TrainBatchSize) ? peakBf16 : peak, rounds);
        }

        if (bf16Model is not null)
        {
            var (full, reduced) = (engine[Figure("train", TrainBatchSize)].Min(), engine[Figure("train_bf16", TrainBatchSize)].Min());
            report.Add("train step bfloat16 speed-up", full / reduced, "x float32",
                $"engine.precision bfloat16 against float32, {full * 1e3:G3} / {reduced * 1e3:G3} ms, both best of {rounds} rounds");
            foreach (var call in new[] { "initial", "recurrent" })
            {
                // The engine alone: the bfloat16 inference path is the engine's oneDNN convolutions, which PyTorch has no counterpart of here.
                var (f32, bf16) = (engine[Figure(call, 256)].Min(), engineBf16Inference[call].Min());
                report.Add($"{call} inference b=256 bfloat16", bf16 * 1e3, "ms/batch",
                    $"engine, best of {rounds} rounds; {f32 / bf16:F2}x its float32 figure ({f32 * 1e3:G3} ms)");
            }
        }

        foreach (var b in new[] { 1, 256 })
        {
            // The same calls timed by a loop inside the library: the difference is the boundary.
            var iterations = b == 1 ? 2000 : 100;
            var nativeInitial = model.MeasureNativeInference(b, recurrent: false, iterations);
            var nativeRecurrent = model.MeasureNativeInference(b, recurrent: true, iterations);
            var initial = engine[Figure("initial", b)].Min();
            var recurrent = engine[Figure("recurrent", b)].Min();
            report.Add($"initial inference b={b}, C++ loop", nativeInitial * 1e3, "ms/batch", $"C# call adds {(initial - nativeInitial) * 1e6:F1} us");
            report.Add($"recurrent inference b={b}, C++ loop", nativeRecurrent * 1e3, "ms/batch", $"C# call adds {(recurrent - nativeRecurrent) * 1e6:F1} us");
        }

        return Task.CompletedTask;
    }

    private static string Figure(string call, int batch) => call switch
    {
        "train" => $"train step b={batch} K=5",
        "train_bf16" => $"train step b={batch} K=5 bfloat16",
        _ => $"{call} inference b={batch}",
    };

    // The reference network with engine.precision bfloat16; null (and said in the report) where the CPU has no bfloat16.
    private static EfficientZeroModel? BFloat16Model(BenchReport report)
    {
        try
        {
            var model = EfficientZeroModel.Create(ReferenceNetwork() with { Precision = EnginePrecision.BFloat16 });
            report.Add("bfloat16 train step", 1, "available", "engine.precision bfloat16 against PyTorch's CPU autocast to bfloat16");
            return model;
        }
        catch (EngineArgumentException e)
        {
            report.Add("bfloat16 train step", 0, "available", e.Message);
            return null;
        }
    }

    private static void Add<TKey>(Dictionary<TKey, List<double>> figures, TKey key, double seconds) where TKey : notnull
    {
        if (!figures.TryGetValue(key, out var list)) figures[key] = list = [];
        list.Add(seconds);
    }

    // Each side's best round: on this shared 2-core machine other processes only ever add time (a
    // descheduled thread stalls each 2-thread region), so the fastest round is the least disturbed
    // estimate of each program; the same rule on both sides. PyTorch's figure is its best variant.
    private static void Compare(BenchReport report, string name, List<double> engine, Dictionary<string, List<double>> pytorch,
        double flops, double peak, int rounds)
    {
        var unit = name.StartsWith("train", StringComparison.Ordinal) ? "ms/step" : "ms/batch";
        var engineBest = engine.Min();
        var (variant, torchBest) = pytorch.Select(p => (p.Key, p.Value.Min())).MinBy(p => p.Item2);
        string Rate(double seconds) => $"{flops / seconds / 1e9:F1} GFLOP/s = {flops / seconds / 1e9 / peak:P0} of peak";
        string Rounds(IEnumerable<double> seconds) => string.Join(" / ", seconds.Select(s => (s * 1e3).ToString("G3", CultureInfo.InvariantCulture)));
        report.Add(name, engineBest * 1e3, unit, $"engine, best of {rounds} rounds ({Rounds(engine)} ms); {Rate(engineBest)}");
        var others = string.Join(", ", pytorch.OrderBy(p => p.Value.Min()).Select(p => $"{p.Key} {p.Value.Min() * 1e3:G3}"));
        report.Add($"{name}, PyTorch", torchBest * 1e3, unit, $"best variant {variant}, rounds {Rounds(pytorch[variant])} ms; {Rate(torchBest)}; variants' best ms: {others}");
        report.Add($"{name}, engine speed", torchBest / engineBest, "x PyTorch", $"{torchBest * 1e3:G3} / {engineBest * 1e3:G3} ms, both measured in this run; {flops / 1e9:G3} GFLOP per call");
    }

    // FLOPs per call (2 x the multiply-adds of convs, linear layers and LSTM gemms, counted by the
    // script on one pass; the train step counts forward, weight-gradient and input-gradient gemms).
    private static Dictionary<string, double> Flops(JsonElement macs)
    {
        var flops = new Dictionary<string, double>();
        foreach (var call in new[] { "initial", "recurrent" })
        {
            foreach (var b in Batches)
            {
                flops[Figure(call, b)] = 2.0 * macs.GetProperty(call).GetProperty(b.ToString(CultureInfo.InvariantCulture)).GetDouble();
            }
        }

        flops[Figure("train", TrainBatchSize)] = 2.0 * macs.GetProperty("train").GetProperty(TrainBatchSize.ToString(CultureInfo.InvariantCulture)).GetDouble();
        flops[Figure("train_bf16", TrainBatchSize)] = flops[Figure("train", TrainBatchSize)];
        return flops;
    }

    // 2 threads by default (the engine's setting in training); SPEEDYZERO_BENCH_THREADS overrides it,
    // e.g. to compare with 1 thread when other processes contend for the cores (docs/engine-runtime.md).
    private static int ThreadsFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("SPEEDYZERO_BENCH_THREADS"), out var threads) && threads > 0 ? threads : 2;

    // Alternated rounds (engine, PyTorch) per side; SPEEDYZERO_BENCH_ROUNDS overrides the 3.
    private static int RoundsFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("SPEEDYZERO_BENCH_ROUNDS"), out var rounds) && rounds > 0 ? rounds : 3;

    private static (double Initial, double Recurrent) Inference(EfficientZeroModel model, InferenceInputs x)
    {
        var budget = x.Batch == 256 ? 2.0 : 1.0;
        var initial = Measure.SecondsPerCall(() => model.InitialInference(x.Observations, x.Batch, x.Initial.View()), budget);
        var recurrent = Measure.SecondsPerCall(
            () => model.RecurrentInference(x.Initial.Latent, x.Initial.Hidden, x.Initial.Cell, x.Actions, x.Batch, x.Next.View()), budget);
        return (initial, recurrent);
    }

    private static TrainBatch TrainInputs(EfficientZeroModel model)
    {
        var shape = model.Shape;
        var random = new Random(42);
        var train = new TrainBatch(TrainBatchSize, model.Unroll, shape.ObservationSize, shape.ActionCount);
        for (var i = 0; i < train.Observations.Length; i++) train.Observations[i] = (float)random.NextDouble();
        for (var i = 0; i < train.Actions.Length; i++) train.Actions[i] = random.Next(shape.ActionCount);
        Array.Fill(train.Masks, 1f);
        for (var i = 0; i < train.TargetValuePrefixes.Length; i++) train.TargetValuePrefixes[i] = -3 + (6 * (float)random.NextDouble());
        for (var i = 0; i < train.TargetValues.Length; i++) train.TargetValues[i] = -10 + (20 * (float)random.NextDouble());
        Array.Fill(train.TargetPolicies, 1f / shape.ActionCount);
        for (var i = 0; i < train.Weights.Length; i++) train.Weights[i] = 0.5f + (0.5f * (float)random.NextDouble());
        return train;
    }

    /// <summary>libtorch's BLAS on a 512x512 product, one thread: a check that OpenBLAS is in use, not the CPU's peak.</summary>
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
            "OpenBLAS, one thread; ~4 GFLOP/s means the reference BLAS is in use: install libopenblas0-pthread");
    }

    private sealed class InferenceInputs
    {
        public InferenceInputs(ModelShape shape, int batch)
        {
            var random = new Random(batch);
            Batch = batch;
            Observations = Enumerable.Range(0, batch * shape.ObservationSize).Select(_ => (float)random.NextDouble()).ToArray();
            Actions = Enumerable.Range(0, batch).Select(_ => random.Next(shape.ActionCount)).ToArray();
            Initial = new Buffers(shape, batch);
            Next = new Buffers(shape, batch);
        }

        public int Batch { get; }

        public float[] Observations { get; }

        public int[] Actions { get; }

        public Buffers Initial { get; }

        public Buffers Next { get; }
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
