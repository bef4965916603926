namespace SpeedyZero.Engine.Tests;

/// <summary>
/// Inference batches above 64 rows run padded to a multiple of 16 rows: a reanalyzer's batches take
/// every size from 65 to 384, and unpadded each size would build its own oneDNN primitives.
/// </summary>
[Collection(nameof(InferencePaddingTests))]
public class InferencePaddingTests
{
    // The plan count is process-wide: no other test class may build plans while this one counts.
    [CollectionDefinition(nameof(InferencePaddingTests), DisableParallelization = true)]
    public class Serial;

    [Fact]
    public void Batch_sizes_within_one_step_of_16_rows_share_one_set_of_conv_plans()
    {
        using var model = EfficientZeroModel.Create(TestModels.Grid());
        TestModels.RunInference(model, 80, seed: 1);
        var built = EngineRuntime.OnednnConvPlansBuilt;
        Assert.True(built > 0, "batch 80 should run on oneDNN conv plans");

        for (var batch = 65; batch <= 80; batch++) TestModels.RunInference(model, batch, seed: batch);
        Assert.Equal(built, EngineRuntime.OnednnConvPlansBuilt);

        TestModels.RunInference(model, 81, seed: 2); // the next step of 16 rows: plans of 96 rows
        Assert.True(EngineRuntime.OnednnConvPlansBuilt > built);
    }

    [Theory]
    [InlineData("grid")]
    [InlineData("vector")]
    public void Each_rows_outputs_do_not_depend_on_the_padding(string family)
    {
        using var model = EfficientZeroModel.Create(TestModels.Family(family));
        var batch = TestModels.RandomBatch(model, 8, seed: 4);
        for (var i = 0; i < 10; i++) batch.Train(model); // statistics and heads no longer trivial
        var shape = model.Shape;
        var random = new Random(5);
        const int full = 80, part = 70;
        var observations = Enumerable.Range(0, full * shape.ObservationSize).Select(_ => (float)random.NextDouble()).ToArray();
        var actions = Enumerable.Range(0, full).Select(_ => random.Next(shape.ActionCount)).ToArray();

        // 70 rows run padded with zero rows to 80; the same 70 rows among 80 real ones must come out the same.
        var (initialFull, recurrentFull) = Infer(model, observations, actions, full);
        var (initialPart, recurrentPart) = Infer(model, observations, actions, part);
        Assert.Equal(Rows(initialFull, shape, part), initialPart.All());
        Assert.Equal(Rows(recurrentFull, shape, part), recurrentPart.All());
    }

    private static (TestModels.Outputs Initial, TestModels.Outputs Recurrent) Infer(
        EfficientZeroModel model, float[] observations, int[] actions, int rows)
    {
        var shape = model.Shape;
        var initial = new TestModels.Outputs(shape, rows);
        model.InitialInference(observations.AsSpan(0, rows * shape.ObservationSize), rows, initial.View());
        var recurrent = new TestModels.Outputs(shape, rows);
        model.RecurrentInference(initial.Latent, initial.Hidden, initial.Cell, actions.AsSpan(0, rows), rows, recurrent.View());
        return (initial, recurrent);
    }

    // The first rows of every output, in TestModels.Outputs.All's order.
    private static float[] Rows(TestModels.Outputs o, Core.Model.ModelShape shape, int rows) =>
    [
        .. o.Latent.AsSpan(0, rows * shape.LatentSize), .. o.Hidden.AsSpan(0, rows * shape.LstmHiddenSize),
        .. o.Cell.AsSpan(0, rows * shape.LstmHiddenSize), .. o.ValuePrefix.AsSpan(0, rows), .. o.Value.AsSpan(0, rows),
        .. o.Policy.AsSpan(0, rows * shape.ActionCount),
    ];
}
