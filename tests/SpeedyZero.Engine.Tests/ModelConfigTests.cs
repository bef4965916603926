using System.Globalization;
using System.Reflection;

namespace SpeedyZero.Engine.Tests;

/// <summary>Config records validate in C#, naming the key, before anything crosses to the engine; the engine reads back exactly what C# wrote.</summary>
public class ModelConfigTests
{
    public static TheoryData<ModelSpec, string> Invalid => new()
    {
        { ModelSpec.Grid(3, 10, 10, 4) with { ObservationShape = [3, 10] }, "observation_shape" },
        { ModelSpec.Vector(-4, 2), "observation_shape" },
        { ModelSpec.Vector(4, 0), "action_count" },
        { ModelSpec.Grid(3, 10, 10, 4).With(m => m with { Channels = -1 }), "model.channels" },
        { ModelSpec.Vector(4, 2).With(m => m with { LstmHidden = 0 }), "model.lstm_hidden" },
        { ModelSpec.Vector(4, 2).With(m => m with { GradClip = -1 }), "model.grad_clip" },
        { ModelSpec.Vector(4, 2).With(m => m with { Augment = true }), "augment" },
        { ModelSpec.Vector(4, 2) with { Optimizer = OptimizerConfig.Default with { Kind = (OptimizerKind)7 } }, "optimizer.kind" },
        { ModelSpec.Vector(4, 2) with { Optimizer = OptimizerConfig.Default with { LarsMin = 2, LarsMax = 1 } }, "optimizer.lars_min" },
        { ModelSpec.Vector(4, 2) with { Optimizer = OptimizerConfig.Default with { LearningRate = double.NaN } }, "optimizer.learning_rate" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_field_is_named(ModelSpec spec, string key)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => EfficientZeroModel.Create(spec));

        Assert.Equal(key, error.ParamName);
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Defaults_follow_the_algorithm()
    {
        var spec = ModelSpec.Image(12, 96, 96, 18);
        var config = spec.Model;

        Assert.Equal((1.0, 0.25, 1.0, 2.0), (config.PolicyWeight, config.ValueWeight, config.ValuePrefixWeight, config.ConsistencyWeight));
        Assert.Equal((5, 0.5, 5.0), (spec.Unroll, config.LatentGradScale, config.GradClip));
        Assert.Equal(300, config.ValueSupport);
        var sgd = spec.Optimizer;
        Assert.Equal((OptimizerKind.Sgd, 0.2, 0.9, 1e-4), (sgd.Kind, sgd.LearningRate, sgd.Momentum, sgd.WeightDecay));
        Assert.Equal((1000, 100_000, 0.1), (sgd.WarmupSteps, sgd.LearningRateDecaySteps, sgd.LearningRateDecayRate));
    }

    [Fact]
    public void Every_field_round_trips_through_the_engine()
    {
        // Every field away from its default (and from the engine's zero), so a field the engine
        // dropped, defaulted or swapped with another shows up as a difference.
        var spec = ModelSpec.Grid(3, 5, 6, 3) with
        {
            Model = new ModelConfig
            {
                Channels = 9, Blocks = 2, Hidden = 33, Latent = 17, HeadChannels = 5, HeadHidden = 18, LstmHidden = 19,
                ValueSupport = 11, ValueHTransform = false, ValuePrefixSupport = 12, ProjectionHidden = 34, ProjectionOut = 35,
                PredictorHidden = 20, PolicyWeight = 1.5, ValueWeight = 0.3, ValuePrefixWeight = 0.7, ConsistencyWeight = 2.5,
                LatentGradScale = 0.25, GradClip = 0, Augment = true, AugmentShift = 2, AugmentIntensity = 0.1,
            },
            Unroll = 4,
            LstmHorizon = 2,
            Optimizer = new OptimizerConfig
            {
                Kind = OptimizerKind.Lars, LearningRate = 0.123, Momentum = 0.8, WeightDecay = 3e-5, AdamBeta1 = 0.85, AdamBeta2 = 0.99,
                AdamEps = 1e-7, LarsEta = 0.002, LarsMin = 0.1, LarsMax = 0.9, LarsEps = 1e-9, WarmupSteps = 7,
                LearningRateDecaySteps = 11, LearningRateDecayRate = 0.3,
            },
            Seed = 42,
            RejectNan = true,
            FusedInference = false,
        };
        var written = Fields(spec.ToNativeText());

        using var model = EfficientZeroModel.Create(spec);
        var read = Fields(model.ConfigText);

        Assert.Equal(written.Keys.Order(), read.Keys.Order());
        foreach (var (key, value) in written)
        {
            var same = double.TryParse(value, CultureInfo.InvariantCulture, out var number)
                ? double.Parse(read[key], CultureInfo.InvariantCulture) == number
                : read[key] == value;
            Assert.True(same, $"{key}: C# wrote {value}, the engine read {read[key]}");
        }

        // Each record's properties are written once: a new field without a key fails here.
        static int Count(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Length;
        Assert.Equal(Count(typeof(ModelSpec)) - 2 + Count(typeof(ModelConfig)) + Count(typeof(OptimizerConfig)), written.Count); // Model and Optimizer hold fields
    }

    [Fact]
    public void Cuda_is_refused_with_a_reason_when_the_engine_has_none_and_used_when_it_has()
    {
        var spec = TestModels.Vector() with { Device = EngineDevice.Cuda };
        if (EngineRuntime.CudaAvailable)
        {
            using var model = EfficientZeroModel.Create(spec);
            Assert.Contains("device=cuda\n", model.ConfigText);
            return;
        }

        var error = Assert.Throws<EngineArgumentException>(() => EfficientZeroModel.Create(spec));
        Assert.Contains("config field 'device'", error.Message);
    }

    private static Dictionary<string, string> Fields(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
