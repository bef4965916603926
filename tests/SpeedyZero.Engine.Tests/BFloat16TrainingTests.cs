using Xunit.Abstractions;

namespace SpeedyZero.Engine.Tests;

/// <summary>engine.train_precision bfloat16: the train step follows float32's and still fits; refused on a CPU without bfloat16.</summary>
public class BFloat16TrainingTests(ITestOutputHelper output)
{
    // The kernel's reading of the CPU, independent of oneDNN's (which the engine asks).
    private static bool CpuHasBFloat16() =>
        File.ReadLines("/proc/cpuinfo").Any(line => line.StartsWith("flags", StringComparison.Ordinal) &&
            line.Split(' ').Any(flag => flag is "avx512_bf16" or "amx_bf16"));

    [Theory]
    [InlineData("vector")]
    [InlineData("grid")]
    [InlineData("image")]
    public void Bfloat16_steps_follow_float32_and_fit_a_fixed_batch_or_are_refused_without_bfloat16_arithmetic(string family)
    {
        var spec = TestModels.Family(family) with { TrainPrecision = TrainPrecision.BFloat16 };
        if (!CpuHasBFloat16())
        {
            var error = Assert.Throws<EngineArgumentException>(() => EfficientZeroModel.Create(spec));
            Assert.Contains("config field 'train_precision'", error.Message);
            return;
        }

        using var reduced = EfficientZeroModel.Create(spec);
        using var full = EfficientZeroModel.Create(spec with { TrainPrecision = TrainPrecision.Float32 });
        Assert.Contains("train_precision=bfloat16\n", reduced.ConfigText);
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
}
