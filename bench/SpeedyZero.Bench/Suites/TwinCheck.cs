using System.Runtime.InteropServices;
using System.Text.Json;
using SpeedyZero.Core.Model;
using SpeedyZero.Engine;

namespace SpeedyZero.Bench.Suites;

/// <summary>
/// Checks that the PyTorch script computes what the engine computes before either is timed: the
/// engine's exported weights (after a few train steps, so batch-norm statistics and the zero-started
/// heads have moved) load into the PyTorch network by name and shape, inference on the same inputs
/// gives the same outputs, and two train steps from those weights with a fresh optimiser give the
/// same losses, gradient norm, priorities and weights afterwards. Each step starts from the
/// engine's weights (the script loads the engine's weights after the first step before the second,
/// keeping its own optimiser state), so each step's rounding is compared, not its amplification
/// by the next.
/// </summary>
public static class TwinCheck
{
    // Differences are relative to the larger magnitude of the two sides (at least 1). The engine's
    // inference folds batch norm into the layers and runs other conv kernels (oneDNN layouts), so
    // float rounding differs; one training step at lr 0.2 amplifies it a little.
    public const double Tolerance = 1e-3;
    private const int InferenceBatch = 8;
    private const int TrainBatchSize = 32;
    private const int TrainSteps = 2;

    public sealed record Result(long Parameters, int Tensors, double LargestDifference, string LargestName, double WeightsMoved);

    /// <param name="tolerance">Largest relative difference accepted; a bfloat16 spec (trained under
    /// autocast on both sides) rounds activations to 8 bits and needs more than float32's.</param>
    public static Result Run(ModelSpec reference, TorchReference torch, int threads, double tolerance = Tolerance)
    {
        // No warm-up, so the check's few steps move the weights at the full learning rate.
        var spec = reference with { Optimizer = reference.Optimizer with { WarmupSteps = 0 }, Seed = 1 };
        var directory = Directory.CreateTempSubdirectory("speedyzero-torch-check-").FullName;
        try
        {
            Write(spec, directory, tolerance);
            var result = torch.Run(["check", "--config", Path.Combine(directory, "config.txt"), "--dir", directory, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(10));
            if (!result.GetProperty("equal").GetBoolean())
            {
                throw new InvalidOperationException($"the PyTorch reference network does not compute what the engine computes: {result.GetRawText()}");
            }

            var (name, largest) = result.GetProperty("differences").EnumerateObject()
                .Select(p => (p.Name, p.Value.GetDouble())).MaxBy(p => p.Item2);
            return new Result(result.GetProperty("parameters").GetInt64(), result.GetProperty("tensors").GetInt32(), largest, name,
                result.GetProperty("weights moved by training").GetDouble());
        }
        finally
        {
            // SPEEDYZERO_BENCH_KEEP_CHECK=1 keeps the folder, to run the script's check on it by hand.
            if (Environment.GetEnvironmentVariable("SPEEDYZERO_BENCH_KEEP_CHECK") != "1")
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static void Write(ModelSpec spec, string directory, double tolerance)
    {
        var arrays = new Dictionary<string, object>();
        void Put<T>(string name, T[] data, params int[] shape) where T : struct
        {
            var file = name + ".bin";
            File.WriteAllBytes(Path.Combine(directory, file), MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
            arrays[name] = new { file, dtype = typeof(T) == typeof(int) ? "i32" : "f32", shape };
        }

        var random = new Random(7);
        float Uniform(double low, double high) => (float)(low + ((high - low) * random.NextDouble()));

        using var trained = EfficientZeroModel.Create(spec);
        var shape = trained.Shape;
        var priorities = new float[TrainBatchSize];
        for (var i = 0; i < 3; i++)
        {
            trained.TrainStep(RandomBatch(shape, trained.Unroll, random), priorities);
        }

        var before = trained.ExportWeights();
        File.WriteAllBytes(Path.Combine(directory, "weights_before.bin"), before);

        // Inference: initial on random observations, then recurrent from that latent.
        const int b = InferenceBatch;
        var observations = Enumerable.Range(0, b * shape.ObservationSize).Select(_ => Uniform(0, 1)).ToArray();
        var initial = new Outputs(shape, b);
        trained.InitialInference(observations, b, initial.View());
        var hidden = Enumerable.Range(0, b * shape.LstmHiddenSize).Select(_ => Uniform(-0.5, 0.5)).ToArray();
        var cell = Enumerable.Range(0, b * shape.LstmHiddenSize).Select(_ => Uniform(-0.5, 0.5)).ToArray();
        var actions = Enumerable.Range(0, b).Select(_ => random.Next(shape.ActionCount)).ToArray();
        var recurrent = new Outputs(shape, b);
        trained.RecurrentInference(initial.Latent, hidden, cell, actions, b, recurrent.View());
        Put("observations", observations, b, shape.ObservationSize);
        Put("initial_latent", initial.Latent, b, shape.LatentSize);
        Put("initial_value", initial.Value, b);
        Put("initial_policy", initial.Policy, b, shape.ActionCount);
        Put("latent", initial.Latent, b, shape.LatentSize);
        Put("hidden", hidden, b, shape.LstmHiddenSize);
        Put("cell", cell, b, shape.LstmHiddenSize);
        Put("actions", actions, b);
        Put("recurrent_latent", recurrent.Latent, b, shape.LatentSize);
        Put("recurrent_hidden", recurrent.Hidden, b, shape.LstmHiddenSize);
        Put("recurrent_cell", recurrent.Cell, b, shape.LstmHiddenSize);
        Put("recurrent_value_prefix", recurrent.ValuePrefix, b);
        Put("recurrent_value", recurrent.Value, b);
        Put("recurrent_policy", recurrent.Policy, b, shape.ActionCount);

        // Training: the same weights in a fresh model (fresh optimiser, step 0), two steps.
        using var fresh = EfficientZeroModel.Create(spec);
        fresh.ImportWeights(before);
        var results = new List<object>();
        for (var i = 0; i < TrainSteps; i++)
        {
            var batch = RandomBatch(shape, fresh.Unroll, random);
            var p = new float[TrainBatchSize];
            var r = fresh.TrainStep(batch, p);
            var k = fresh.Unroll;
            Put($"train{i}_observations", batch.Observations, TrainBatchSize, k + 1, shape.ObservationSize);
            Put($"train{i}_actions", batch.Actions, TrainBatchSize, k);
            Put($"train{i}_masks", batch.Masks, TrainBatchSize, k + 1);
            Put($"train{i}_target_value_prefix", batch.TargetValuePrefixes, TrainBatchSize, k);
            Put($"train{i}_target_value", batch.TargetValues, TrainBatchSize, k + 1);
            Put($"train{i}_target_policy", batch.TargetPolicies, TrainBatchSize, k + 1, shape.ActionCount);
            Put($"train{i}_weights", batch.Weights, TrainBatchSize);
            Put($"train{i}_priorities", p, TrainBatchSize);
            results.Add(new
            {
                total = r.Total, policy = r.Policy, value = r.Value, value_prefix = r.ValuePrefix,
                consistency = r.Consistency, grad_norm = r.GradNorm, lr = r.LearningRate,
            });
            File.WriteAllBytes(Path.Combine(directory, $"weights_after{i}.bin"), fresh.ExportWeights());
        }

        File.WriteAllText(Path.Combine(directory, "config.txt"), fresh.ConfigText);
        File.WriteAllText(Path.Combine(directory, "check.json"), JsonSerializer.Serialize(new
        {
            arrays,
            weights_before = "weights_before.bin",
            train_steps = TrainSteps,
            train_results = results,
            tolerance,
        }));
    }

    // Random observations and targets; random policies; a few episodes end inside the unroll
    // (masks 0 after the end), so the masking is compared too.
    private static TrainBatch RandomBatch(ModelShape shape, int unroll, Random random)
    {
        var batch = new TrainBatch(TrainBatchSize, unroll, shape.ObservationSize, shape.ActionCount);
        for (var i = 0; i < batch.Observations.Length; i++) batch.Observations[i] = (float)random.NextDouble();
        for (var i = 0; i < batch.Actions.Length; i++) batch.Actions[i] = random.Next(shape.ActionCount);
        for (var s = 0; s < TrainBatchSize; s++)
        {
            var end = s % 4 == 0 ? random.Next(1, unroll + 1) : unroll + 1;
            for (var k = 0; k <= unroll; k++) batch.Masks[(s * (unroll + 1)) + k] = k < end ? 1f : 0f;
        }

        for (var i = 0; i < batch.TargetValuePrefixes.Length; i++) batch.TargetValuePrefixes[i] = -3 + (6 * (float)random.NextDouble());
        for (var i = 0; i < batch.TargetValues.Length; i++) batch.TargetValues[i] = -10 + (20 * (float)random.NextDouble());
        for (var row = 0; row < batch.TargetPolicies.Length / shape.ActionCount; row++)
        {
            var p = batch.TargetPolicies.AsSpan(row * shape.ActionCount, shape.ActionCount);
            for (var a = 0; a < p.Length; a++) p[a] = 0.05f + (float)random.NextDouble();
            var sum = 0f;
            foreach (var x in p) sum += x;
            for (var a = 0; a < p.Length; a++) p[a] /= sum;
        }

        for (var i = 0; i < batch.Weights.Length; i++) batch.Weights[i] = 0.5f + (0.5f * (float)random.NextDouble());
        return batch;
    }

    private sealed class Outputs(ModelShape shape, int batch)
    {
        public float[] Latent { get; } = new float[batch * shape.LatentSize];
        public float[] Hidden { get; } = new float[batch * shape.LstmHiddenSize];
        public float[] Cell { get; } = new float[batch * shape.LstmHiddenSize];
        public float[] ValuePrefix { get; } = new float[batch];
        public float[] Value { get; } = new float[batch];
        public float[] Policy { get; } = new float[batch * shape.ActionCount];

        public InferenceOutputs View() => new(Latent, Hidden, Cell, ValuePrefix, Value, Policy);
    }
}
