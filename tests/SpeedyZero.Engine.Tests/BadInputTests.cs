namespace SpeedyZero.Engine.Tests;

/// <summary>Bad input becomes an exception with the engine's message, and the process and the model live on.</summary>
public class BadInputTests
{
    [Fact]
    public void Unknown_config_field_is_rejected_by_name_by_the_engine()
    {
        var text = TestModels.Vector().ToNativeText() + "learning_rte=0.1\n";

        var error = Assert.Throws<EngineArgumentException>(() => EfficientZeroModel.CreateFromNativeText(text));

        Assert.Contains("unknown config field 'learning_rte'", error.Message);
    }

    [Theory]
    [InlineData("channels=-3", "config field 'channels'")]
    [InlineData("optimizer=rmsprop", "config field 'optimizer' = 'rmsprop'")]
    [InlineData("learning_rate=fast", "config field 'learning_rate' = 'fast': not a number")]
    [InlineData("observation_shape=3,5", "config field 'observation_shape'")]
    public void Malformed_config_field_is_named_by_the_engine(string line, string expected)
    {
        var key = line[..line.IndexOf('=')];
        var text = string.Join('\n', TestModels.Grid().ToNativeText().Split('\n').Where(l => !l.StartsWith(key + "=", StringComparison.Ordinal))) + line + "\n";

        var error = Assert.Throws<EngineArgumentException>(() => EfficientZeroModel.CreateFromNativeText(text));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Wrong_buffer_length_is_rejected_and_the_model_still_works()
    {
        using var model = EfficientZeroModel.Create(TestModels.Vector());
        var outputs = new TestModels.Outputs(model.Shape, 2);

        var error = Assert.Throws<ArgumentException>(() => model.InitialInference(new float[7], 2, outputs.View()));
        Assert.Contains("observations holds 7 elements, expected 2 x 4", error.Message);
        var wrongOut = new TestModels.Outputs(model.Shape, 3);
        Assert.Throws<ArgumentException>(() => model.InitialInference(new float[8], 2, wrongOut.View()));

        model.InitialInference(new float[8], 2, outputs.View());
        Assert.All(outputs.Value, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Nan_observations_are_rejected_when_configured_and_passed_otherwise()
    {
        using var strict = EfficientZeroModel.Create(TestModels.Grid() with { RejectNan = true });
        using var lenient = EfficientZeroModel.Create(TestModels.Grid());
        var observations = new float[2 * strict.Shape.ObservationSize];
        observations[17] = float.NaN;
        var outputs = new TestModels.Outputs(strict.Shape, 2);

        var error = Assert.Throws<EngineArgumentException>(() => strict.InitialInference(observations, 2, outputs.View()));
        Assert.Contains("observations contain NaN", error.Message);

        var batch = TestModels.RandomBatch(strict, 4, seed: 1);
        batch.Observations[3] = float.PositiveInfinity;
        Assert.Throws<EngineArgumentException>(() => batch.Train(strict));
        Assert.Equal(0, strict.Step);

        lenient.InitialInference(observations, 2, outputs.View());
        observations[17] = 0;
        strict.InitialInference(observations, 2, outputs.View());
    }

    [Fact]
    public void Action_outside_the_action_space_is_rejected_by_the_engine()
    {
        using var model = EfficientZeroModel.Create(TestModels.Vector());
        var shape = model.Shape;
        var outputs = new TestModels.Outputs(shape, 1);

        var error = Assert.Throws<EngineArgumentException>(() => model.RecurrentInference(
            new float[shape.LatentSize], new float[shape.LstmHiddenSize], new float[shape.LstmHiddenSize], [2], 1, outputs.View()));

        Assert.Contains("action 2 at 0 is outside [0, 2)", error.Message);
    }

    [Fact]
    public void Training_batch_of_another_shape_is_refused_naming_both_shapes()
    {
        using var model = EfficientZeroModel.Create(TestModels.Vector());
        var batch = new TrainBatch(4, model.Unroll + 1, model.Shape.ObservationSize, model.Shape.ActionCount);

        var error = Assert.Throws<ArgumentException>(() => model.TrainStep(batch, new float[4]));
        Assert.Contains($"batch of unroll {model.Unroll + 1}", error.Message);
        Assert.Contains($"model of unroll {model.Unroll}", error.Message);
        var priorities = Assert.Throws<ArgumentException>(() => TestModels.RandomBatch(model, 4, seed: 2).Train(model, new float[3]));
        Assert.Contains("priorities holds 3 elements, expected 4 x 1", priorities.Message);
        Assert.Equal(0, model.Step);
    }
}
