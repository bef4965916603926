namespace SpeedyZero.Engine.Tests;

/// <summary>Weights broadcast and checkpoints reproduce a model exactly.</summary>
public sealed class WeightsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sz-engine-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("vector")]
    [InlineData("grid")]
    [InlineData("image")]
    public void Export_then_import_into_a_fresh_model_gives_bit_identical_inference(string family)
    {
        var config = TestModels.Family(family);
        using var trained = EfficientZeroModel.Create(config);
        var batch = TestModels.RandomBatch(trained, 6, seed: 11);
        for (var i = 0; i < 5; i++) batch.Train(trained); // moves weights and normalisation statistics off their start
        using var fresh = EfficientZeroModel.Create(config with { Seed = 99 });

        var before = Infer(fresh, batch);
        fresh.ImportWeights(trained.ExportWeights());

        var expected = Infer(trained, batch);
        Assert.NotEqual(expected, before);
        Assert.Equal(expected, Infer(fresh, batch));
    }

    [Fact]
    public void Exporting_into_a_buffer_reuses_it_and_writes_what_a_new_export_holds()
    {
        using var model = EfficientZeroModel.Create(TestModels.Grid());
        var batch = TestModels.RandomBatch(model, 6, seed: 3);
        byte[]? buffer = null;
        var first = model.ExportWeights(ref buffer);
        Assert.Same(buffer, first);
        Assert.Equal(model.ExportWeights(), first);

        batch.Train(model);
        var second = model.ExportWeights(ref buffer);
        Assert.Same(first, second); // the same array, written again
        Assert.Equal(model.ExportWeights(), second);

        byte[]? wrongLength = new byte[3];
        Assert.Equal(second, model.ExportWeights(ref wrongLength)); // replaced, not overrun
    }

    [Fact]
    public void Import_refuses_weights_of_another_architecture()
    {
        using var small = EfficientZeroModel.Create(TestModels.Vector());
        using var wide = EfficientZeroModel.Create(TestModels.Vector().With(m => m with { Hidden = 48 }));

        var error = Assert.Throws<EngineArgumentException>(() => wide.ImportWeights(small.ExportWeights()));
        Assert.Contains("architecture", error.Message);
        Assert.Throws<EngineArgumentException>(() => wide.ImportWeights([1, 2, 3]));
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, false)]
    [InlineData(OptimizerKind.Adam, false)]
    [InlineData(OptimizerKind.Lars, false)]
    [InlineData(OptimizerKind.Sgd, true)]
    public void Checkpoint_save_load_then_next_step_equals_uninterrupted_training(OptimizerKind kind, bool augment)
    {
        var config = TestModels.Grid().With(m => m with { Augment = augment, AugmentShift = 1 }) with
        {
            Optimizer = TestModels.Adam with { Kind = kind, LearningRate = kind == OptimizerKind.Adam ? 3e-3 : 0.05, WeightDecay = 1e-4, WarmupSteps = 3 },
        };
        using var uninterrupted = EfficientZeroModel.Create(config);
        var batch = TestModels.RandomBatch(uninterrupted, 6, seed: 5);
        for (var i = 0; i < 3; i++) batch.Train(uninterrupted);
        var path = Path.Combine(folder, "model.ckpt");
        uninterrupted.SaveCheckpoint(path);
        var expectedPriorities = new float[batch.BatchSize];
        var expected = batch.Train(uninterrupted, expectedPriorities);

        using var resumed = EfficientZeroModel.Create(config with { Seed = 1234 });
        resumed.LoadCheckpoint(path);
        Assert.Equal(3, resumed.Step);
        var priorities = new float[batch.BatchSize];
        var actual = batch.Train(resumed, priorities);

        Assert.Equal(expected, actual);
        Assert.Equal(expectedPriorities, priorities);
        Assert.Equal(uninterrupted.ExportWeights(), resumed.ExportWeights());
    }

    private static float[] Infer(EfficientZeroModel model, TrainBatch batch)
    {
        var shape = model.Shape;
        var n = batch.BatchSize;
        var initial = new TestModels.Outputs(shape, n);
        model.InitialInference(batch.Observations.AsSpan(0, n * shape.ObservationSize), n, initial.View());
        var next = new TestModels.Outputs(shape, n);
        model.RecurrentInference(initial.Latent, initial.Hidden, initial.Cell, batch.Actions.AsSpan(0, n), n, next.View());
        return [.. initial.All(), .. next.All()];
    }
}
