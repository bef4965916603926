namespace SpeedyZero.Engine.Tests;

/// <summary>value_h_transform: bins over h(value) (the default) or over the value itself.</summary>
public class ValueTransformTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_fitted_value_reaches_its_target_only_when_the_support_covers_it(bool transform)
    {
        // Support 10: with the h-transform it covers values up to h^-1(10) ~ 110; without it, up to 10.
        using var model = EfficientZeroModel.Create(TestModels.Vector().With(m => m with { ValueHTransform = transform }));
        var batch = TestModels.RandomBatch(model, size: 8, seed: 5);
        Array.Fill(batch.TargetValues, 30f);
        for (var step = 0; step < 300; step++) batch.Train(model);

        var outputs = new TestModels.Outputs(model.Shape, batch.BatchSize);
        var k = model.Unroll;
        var first = new float[batch.BatchSize * model.Shape.ObservationSize];
        for (var i = 0; i < batch.BatchSize; i++)
        {
            batch.Observations.AsSpan(i * (k + 1) * model.Shape.ObservationSize, model.Shape.ObservationSize)
                .CopyTo(first.AsSpan(i * model.Shape.ObservationSize));
        }

        model.InitialInference(first, batch.BatchSize, outputs.View());
        if (transform)
        {
            Assert.All(outputs.Value, v => Assert.InRange(v, 27f, 33f));
        }
        else
        {
            // Clamped to the top bin: the expectation approaches 10 and cannot pass it.
            Assert.All(outputs.Value, v => Assert.InRange(v, 9f, 10f));
        }
    }
}
