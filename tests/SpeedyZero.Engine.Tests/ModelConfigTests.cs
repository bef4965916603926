namespace SpeedyZero.Engine.Tests;

/// <summary>Config records validate in C#, naming the field, before anything crosses to the engine.</summary>
public class ModelConfigTests
{
    public static TheoryData<ModelConfig, string> Invalid => new()
    {
        { ModelConfig.Grid(3, 10, 10, 4) with { ObservationShape = [3, 10] }, "ModelConfig.ObservationShape" },
        { ModelConfig.Vector(-4, 2), "ModelConfig.ObservationShape" },
        { ModelConfig.Vector(4, 0), "ModelConfig.ActionCount" },
        { ModelConfig.Grid(3, 10, 10, 4) with { Channels = -1 }, "ModelConfig.Channels" },
        { ModelConfig.Vector(4, 2) with { LstmHidden = 0 }, "ModelConfig.LstmHidden" },
        { ModelConfig.Vector(4, 2) with { Augment = true }, "ModelConfig.Augment" },
        { ModelConfig.Vector(4, 2) with { Optimizer = OptimizerConfig.Default with { Kind = (OptimizerKind)7 } }, "OptimizerConfig.Kind" },
        { ModelConfig.Vector(4, 2) with { Optimizer = OptimizerConfig.Default with { LarsMin = 2, LarsMax = 1 } }, "OptimizerConfig.LarsMin" },
        { ModelConfig.Vector(4, 2) with { Optimizer = OptimizerConfig.Default with { LearningRate = double.NaN } }, "OptimizerConfig.LearningRate" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidFieldIsNamed(ModelConfig config, string field)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => EfficientZeroModel.Create(config));

        Assert.Equal(field, error.ParamName);
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void DefaultsFollowTheAlgorithm()
    {
        var config = ModelConfig.Image(12, 96, 96, 18);

        Assert.Equal((1.0, 0.25, 1.0, 2.0), (config.PolicyWeight, config.ValueWeight, config.ValuePrefixWeight, config.ConsistencyWeight));
        Assert.Equal((5, 0.5, 5.0), (config.Unroll, config.LatentGradScale, config.GradClip));
        Assert.Equal(300, config.ValueSupport);
        var sgd = config.Optimizer;
        Assert.Equal((OptimizerKind.Sgd, 0.2, 0.9, 1e-4), (sgd.Kind, sgd.LearningRate, sgd.Momentum, sgd.WeightDecay));
        Assert.Equal((1000, 100_000, 0.1), (sgd.WarmupSteps, sgd.LearningRateDecaySteps, sgd.LearningRateDecayRate));
    }

    [Fact]
    public void EveryFieldReachesTheEngineAndIsAccepted()
    {
        var text = TestModels.Image().ToNativeText();

        Assert.Contains("observation_kind=image\n", text);
        Assert.Contains("observation_shape=3,16,16\n", text);
        Assert.Contains("lr=0.003\n", text);
        using var model = EfficientZeroModel.CreateFromNativeText(text);
        Assert.Equal(3 * 16 * 16, model.Shape.ObservationSize);
        Assert.Equal(8, model.Shape.LatentSize); // 16x16 down-sampled by 16 -> 8 channels x 1 x 1
    }

    [Fact]
    public void CudaIsRefusedWithAReasonWhenTheEngineHasNone()
    {
        if (EngineRuntime.CudaAvailable)
        {
            return;
        }

        var error = Assert.Throws<EngineArgumentException>(() => EfficientZeroModel.Create(TestModels.Vector() with { Device = EngineDevice.Cuda }));
        Assert.Contains("config field 'device'", error.Message);
    }
}
