using Xunit.Abstractions;

namespace SpeedyZero.Engine.Tests;

/// <summary>Each family can fit a fixed small batch: every loss component falls far toward its floor.</summary>
public class OverfitTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("vector")]
    [InlineData("grid")]
    [InlineData("image")]
    public void Every_loss_component_falls_by_a_large_factor_on_a_fixed_batch(string family)
    {
        using var model = EfficientZeroModel.Create(TestModels.Family(family));
        var batch = TestModels.RandomBatch(model, size: 8, seed: 3);
        var floors = Floors(model, batch);

        var first = batch.Train(model);
        var last = first;
        for (var step = 1; step < 300; step++) last = batch.Train(model);

        // Excess over the best achievable value: the targets' own entropy (policy, two-hot
        // value and value prefix) and a cosine of 1 on every valid step (consistency).
        Falls("policy", first.Policy - floors.Policy, last.Policy - floors.Policy);
        Falls("value", first.Value - floors.Value, last.Value - floors.Value);
        Falls("value prefix", first.ValuePrefix - floors.ValuePrefix, last.ValuePrefix - floors.ValuePrefix);
        Falls("consistency", first.Consistency - floors.Consistency, last.Consistency - floors.Consistency);
        Assert.Equal(300, last.Step);
    }

    private void Falls(string component, double before, double after)
    {
        output.WriteLine($"{component}: excess {before:G4} -> {after:G4}");
        Assert.True(before > 0.05, $"{component}: starting excess {before} is too small to show learning");
        Assert.True(after < before / 10, $"{component}: excess loss went {before} -> {after}, expected a 10x fall");
    }

    private static TrainResult Floors(EfficientZeroModel model, TrainBatch batch)
    {
        var k = model.Unroll;
        var a = model.Shape.ActionCount;
        double policy = 0, value = 0, valuePrefix = 0, consistency = 0;
        var valueHot = new float[batch.TargetValues.Length * ((2 * model.ValueSupport) + 1)];
        CategoricalSupport.TwoHot(batch.TargetValues, model.ValueSupport, valueHot);
        var prefixHot = new float[batch.TargetValuePrefixes.Length * ((2 * model.ValuePrefixSupport) + 1)];
        CategoricalSupport.TwoHot(batch.TargetValuePrefixes, model.ValuePrefixSupport, prefixHot);
        for (var i = 0; i < batch.BatchSize; i++)
        for (var step = 0; step <= k; step++)
        {
            var row = (i * (k + 1)) + step;
            var mask = batch.Masks[row];
            policy += mask * Entropy(batch.TargetPolicies.AsSpan(row * a, a));
            value += mask * Entropy(valueHot.AsSpan(row * ((2 * model.ValueSupport) + 1), (2 * model.ValueSupport) + 1));
            if (step == 0) continue;
            var prefixRow = (i * k) + step - 1;
            valuePrefix += mask * Entropy(prefixHot.AsSpan(prefixRow * ((2 * model.ValuePrefixSupport) + 1), (2 * model.ValuePrefixSupport) + 1));
            consistency -= mask;
        }

        var n = batch.BatchSize;
        return new TrainResult(0, policy / n, value / n, valuePrefix / n, consistency / n, 0, 0, 0);
    }

    private static double Entropy(ReadOnlySpan<float> p)
    {
        double h = 0;
        foreach (var x in p)
        {
            if (x > 0) h -= x * Math.Log(x);
        }

        return h;
    }
}
