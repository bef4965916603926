using SpeedyZero.Testing;
using Xunit.Abstractions;

namespace SpeedyZero.Engine.Tests;

/// <summary>engine.precision bfloat16: training and large-batch inference follow float32; refused on a CPU without bfloat16.</summary>
public class BFloat16Tests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("vector")]
    [InlineData("grid")]
    [InlineData("image")]
    public void Bfloat16_steps_follow_float32_and_fit_a_fixed_batch_or_are_refused_without_bfloat16_arithmetic(string family)
    {
        var spec = TestModels.Family(family) with { Precision = EnginePrecision.BFloat16 };
        if (!CpuFeatures.HasBFloat16())
        {
            var error = Assert.Throws<EngineArgumentException>(() => EfficientZeroModel.Create(spec));
            Assert.Contains("config field 'precision'", error.Message);
            return;
        }

        using var reduced = EfficientZeroModel.Create(spec);
        using var full = EfficientZeroModel.Create(spec with { Precision = EnginePrecision.Float32 });
        Assert.Contains("precision=bfloat16\n", reduced.ConfigText);
        var batch = TestModels.RandomBatch(full, size: 8, seed: 3);

        // Same initial weights and batch: the first step's loss agrees to bfloat16's rounding (8 bits of
        // mantissa). Only the consistency term differs at all here, since fresh heads predict uniform outputs
        // in any precision; it is a cosine of near-orthogonal projections at initialisation.
        var (b, f) = (batch.Train(reduced), batch.Train(full));
        output.WriteLine($"first step, bfloat16 vs float32: {b} vs {f}");
        Assert.Equal(f.Total, b.Total, tolerance: 0.01 * Math.Abs(f.Total));
        Assert.NotEqual(f.Consistency, b.Consistency); // the step did run in bfloat16
        var start = f.Total;

        // And it learns: 300 steps on the batch take the total loss as far down as float32's (within 10% of the start).
        for (var step = 1; step < 300; step++)
        {
            b = batch.Train(reduced);
            f = batch.Train(full);
        }

        output.WriteLine($"after 300 steps: total {b.Total:G5} (bfloat16) vs {f.Total:G5} (float32)");
        Assert.True(b.Total < start - (0.9 * (start - f.Total)), $"bfloat16 fell {start} -> {b.Total}, float32 to {f.Total}");
    }

    // A grid network of MinAtar's size (default model, 4x10x10): every weight that float32 trains gets its
    // gradient in bfloat16 too, so the first step's gradient norms agree. Weight casts that autocast cached
    // while the consistency targets ran without gradient once left the representation convs and the
    // projection with none. (The tiny test models above are left out: bfloat16's rounding moves their
    // min-max normalisation of a few near-equal values, and so their gradients, by far more than 5%.)
    [Fact]
    public void Bfloat16_gradients_reach_every_layer_that_float32_trains()
    {
        var spec = ModelSpec.Grid(4, 10, 10, 6) with { Precision = EnginePrecision.BFloat16, Optimizer = TestModels.Adam, Seed = 7 };
        if (!CpuFeatures.HasBFloat16())
        {
            Assert.Throws<EngineArgumentException>(() => EfficientZeroModel.Create(spec));
            return;
        }

        using var reduced = EfficientZeroModel.Create(spec);
        using var full = EfficientZeroModel.Create(spec with { Precision = EnginePrecision.Float32 });
        var batch = TestModels.RandomBatch(full, size: 64, seed: 3);
        var (b, f) = (batch.Train(reduced), batch.Train(full));
        output.WriteLine($"first step's gradient norm, bfloat16 vs float32: {b.GradNorm} vs {f.GradNorm}");
        Assert.Equal(f.GradNorm, b.GradNorm, tolerance: 0.05 * f.GradNorm);
    }

    // Inference in bfloat16 is the oneDNN path's (batches of 64 and more: the reanalyzer's and Priority
    // Refresh's); smaller batches (the actors') run as in float32. The grid family is MinAtar's. The image
    // test model is left out: its latent has 8 values per sample, whose min-max normalisation turns
    // bfloat16's rounding of two near-equal values into differences up to 0.86 (measured).
    [Theory]
    [InlineData("grid", 128)]
    [InlineData("grid", 256)]
    [InlineData("grid", 16)]
    public void Bfloat16_inference_follows_float32_on_large_batches_and_is_float32_on_small_ones(string family, int batchSize)
    {
        var spec = TestModels.Family(family) with { Precision = EnginePrecision.BFloat16 };
        if (!CpuFeatures.HasBFloat16())
        {
            var error = Assert.Throws<EngineArgumentException>(() => EfficientZeroModel.Create(spec));
            Assert.Contains("config field 'precision'", error.Message);
            return;
        }

        using var full = EfficientZeroModel.Create(spec with { Precision = EnginePrecision.Float32 });
        using var reduced = EfficientZeroModel.Create(spec);
        // Trained, so the batch-norm statistics and the zero-initialised heads are no longer trivial.
        var batch = TestModels.RandomBatch(full, 8, seed: 3);
        for (var i = 0; i < 15; i++) batch.Train(full);
        reduced.ImportWeights(full.ExportWeights());

        var expected = TestModels.RunInference(full, batchSize, seed: 11);
        var actual = TestModels.RunInference(reduced, batchSize, seed: 11);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a) / Math.Max(1f, Math.Abs(e))).Max();
        output.WriteLine($"{family}, batch {batchSize}: largest difference {worst:G3} (relative above 1)");
        if (batchSize < 64)
        {
            Assert.Equal(expected, actual);
            return;
        }

        // bfloat16 keeps 8 bits of mantissa: about 0.4% per rounding, a few percent through the trunk, never more.
        Assert.InRange(worst, 1e-4, 0.05);
    }
}
