namespace SpeedyZero.Engine.Tests;

/// <summary>
/// Inference (eval-mode batch normalisation, running statistics) at the root predicts what the
/// train step (batch statistics) fitted: the prediction heads keep the statistics of root latents,
/// not a mixture with K unrolled steps. Grid family: the vector family has no batch norm there.
/// </summary>
public class RootInferenceTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Initial_inference_predicts_the_values_training_fitted(bool hTransform)
    {
        // Two groups of samples whose value targets differ (a: 3 vs 6 over h-bins; b: 60 vs 62
        // over raw bins); each sample repeats its observation at every step, as a state would
        // look alike a few steps apart.
        var config = TestModels.Grid().With(m => m with { ValueHTransform = hTransform, ValueSupport = hTransform ? 10 : 100 });
        var (low, high) = hTransform ? (3f, 6f) : (60f, 62f);
        using var model = EfficientZeroModel.Create(config);
        var batch = TestModels.RandomBatch(model, size: 8, seed: 6);
        var k = model.Unroll;
        var size = model.Shape.ObservationSize;
        for (var i = 0; i < batch.BatchSize; i++)
        {
            Array.Fill(batch.TargetValues, i % 2 == 0 ? low : high, i * (k + 1), k + 1);
            for (var step = 1; step <= k; step++)
            {
                batch.Observations.AsSpan(i * (k + 1) * size, size).CopyTo(batch.Observations.AsSpan(((i * (k + 1)) + step) * size, size));
            }
        }

        for (var step = 0; step < 1500; step++) batch.Train(model);

        var roots = new float[batch.BatchSize * size];
        for (var i = 0; i < batch.BatchSize; i++) batch.Observations.AsSpan(i * (k + 1) * size, size).CopyTo(roots.AsSpan(i * size));
        var outputs = new TestModels.Outputs(model.Shape, batch.BatchSize);
        model.InitialInference(roots, batch.BatchSize, outputs.View());
        for (var i = 0; i < batch.BatchSize; i++)
        {
            var target = i % 2 == 0 ? low : high;
            Assert.True(Math.Abs(outputs.Value[i] - target) < 0.4f, $"sample {i}: inference predicts {outputs.Value[i]}, trained towards {target}");
        }
    }
}
