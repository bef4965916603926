namespace SpeedyZero.Engine.Tests;

/// <summary>
/// Inference with batch normalisation folded into the layers (the default) against the network's
/// modules run as trained (<see cref="ModelSpec.FusedInference"/> off): the same function up to
/// float rounding, and the folded weights follow every change of the weights.
/// </summary>
public class FusedInferenceTests
{
    // Folding multiplies weights by gamma / sqrt(var + eps): a channel whose running variance is
    // near eps (a feature the few training batches rarely switched on) amplifies float32
    // rounding up to ~300x, so agreement is to 1e-3; a folding mistake differs by far more.
    private const float Tolerance = 1e-3f;

    // Batch 1 and 16 run dense; 70 and 256 cross the engine's threshold (64) for oneDNN: its convs
    // called directly with cached primitives when the engine was built with oneDNN's headers,
    // otherwise ATen's oneDNN-layout path (docs/engine-runtime.md).
    [Theory]
    [InlineData("vector", 1)]
    [InlineData("vector", 70)]
    [InlineData("grid", 1)]
    [InlineData("grid", 16)]
    [InlineData("grid", 70)]
    [InlineData("grid", 256)]
    [InlineData("image", 1)]
    [InlineData("image", 70)]
    public void Fused_inference_equals_unfused_within_tolerance(string family, int batchSize)
    {
        using var fused = EfficientZeroModel.Create(TestModels.Family(family));
        using var plain = EfficientZeroModel.Create(TestModels.Family(family) with { FusedInference = false });
        var batch = TestModels.RandomBatch(fused, 8, seed: 3);
        // Trained, so the batch-norm statistics and the zero-initialised heads are no longer trivial.
        for (var i = 0; i < 15; i++) batch.Train(fused);
        plain.ImportWeights(fused.ExportWeights());

        AssertSameInference(fused, plain, batchSize, seed: batchSize);
    }

    // Batch 4 runs dense; 70 (and 69 between) the oneDNN path, whose primitives are cached per
    // batch size and must follow the weights all the same.
    [Theory]
    [InlineData(4)]
    [InlineData(70)]
    public void Folded_weights_follow_training_and_import(int batchSize)
    {
        using var fused = EfficientZeroModel.Create(TestModels.Grid());
        using var plain = EfficientZeroModel.Create(TestModels.Grid() with { FusedInference = false });
        var batch = TestModels.RandomBatch(fused, 8, seed: 5);
        for (var i = 0; i < 5; i++) batch.Train(fused);
        plain.ImportWeights(fused.ExportWeights());
        AssertSameInference(fused, plain, batchSize, seed: 1); // folds the current weights
        AssertSameInference(fused, plain, batchSize - 1, seed: 4); // another batch size in between

        // A train step changes weights and statistics: the next inference must not use the old fold.
        for (var i = 0; i < 5; i++) batch.Train(fused);
        plain.ImportWeights(fused.ExportWeights());
        AssertSameInference(fused, plain, batchSize, seed: 2);

        // Importing other weights replaces the fold too: bit-identical to the exporter's inference.
        using var other = EfficientZeroModel.Create(TestModels.Grid() with { Seed = 99 });
        TestModels.RandomBatch(other, 8, seed: 6).Train(other);
        fused.ImportWeights(other.ExportWeights());
        Assert.Equal(TestModels.RunInference(other, batchSize, seed: 3), TestModels.RunInference(fused, batchSize, seed: 3));
    }

    // The engine's fixed activation layouts must reach one of oneDNN's jit kernels on whatever CPU
    // runs this: a layout the CPU's kernels do not take (16-channel blocks on an AVX2 CPU) leaves
    // the reference conv, over 1000x slower, and a training run that seems to hang.
    [Theory]
    [InlineData("grid", 256)]
    [InlineData("image", 70)]
    public void Large_batch_convolutions_run_on_jit_kernels(string family, int batchSize)
    {
        using var model = EfficientZeroModel.Create(TestModels.Family(family));
        TestModels.RunInference(model, batchSize, seed: 7);
        Assert.Equal(0, EngineRuntime.OnednnReferenceConvolutions);
    }

    private static void AssertSameInference(EfficientZeroModel a, EfficientZeroModel b, int batchSize, int seed)
    {
        var expected = TestModels.RunInference(b, batchSize, seed);
        var actual = TestModels.RunInference(a, batchSize, seed);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var tolerance = Tolerance * Math.Max(1f, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"output {i}: fused {actual[i]}, unfused {expected[i]}");
        }
    }
}
