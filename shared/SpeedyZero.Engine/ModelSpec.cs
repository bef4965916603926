using System.Globalization;

namespace SpeedyZero.Engine;

/// <summary>
/// What the engine builds a model from: the observations and actions it serves, the
/// <see cref="ModelConfig"/>, the training unroll, the optimiser, the device and the seed.
/// Validated in C# (an <see cref="ArgumentException"/> naming the key) before it crosses to the
/// engine, whose config text (<see cref="ToNativeText"/>) holds every field. Start from
/// <see cref="Vector"/>, <see cref="Grid"/> or <see cref="Image"/>.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>A vector-observation model (MLP family) with default sizes.</summary>
    public static ModelSpec Vector(int observationSize, int actionCount) =>
        new() { Observation = ObservationKind.Vector, ObservationShape = [observationSize], ActionCount = actionCount };

    /// <summary>A grid-observation model (convs, no down-sampling) with default sizes.</summary>
    public static ModelSpec Grid(int channels, int height, int width, int actionCount) =>
        new() { Observation = ObservationKind.Grid, ObservationShape = [channels, height, width], ActionCount = actionCount };

    /// <summary>An image-observation model (down-sampling ResNet) with default sizes.</summary>
    public static ModelSpec Image(int channels, int height, int width, int actionCount) =>
        new() { Observation = ObservationKind.Image, ObservationShape = [channels, height, width], ActionCount = actionCount };

    /// <summary>Network family.</summary>
    public ObservationKind Observation { get; init; }

    /// <summary>Vector: [size]; grid and image: [channels (stacked frames included), height, width].</summary>
    public int[] ObservationShape { get; init; } = [];

    /// <summary>Number of discrete actions.</summary>
    public int ActionCount { get; init; }

    /// <summary>Sizes and loss.</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary>Unroll steps K of the training step (algorithm.unroll_steps).</summary>
    public int Unroll { get; init; } = 5;

    /// <summary>The training unroll resets the value-prefix LSTM after this many steps (algorithm.value_prefix_horizon).</summary>
    public int LstmHorizon { get; init; } = 5;

    /// <summary>Optimiser and schedule.</summary>
    public OptimizerConfig Optimizer { get; init; } = OptimizerConfig.Default;

    /// <summary>Where the tensors live (engine.device).</summary>
    public EngineDevice Device { get; init; } = EngineDevice.Cpu;

    /// <summary>The arithmetic of training and large-batch inference (engine.precision).</summary>
    public EnginePrecision Precision { get; init; } = EnginePrecision.Float32;

    /// <summary>Seed of the initial weights and of the augmentation.</summary>
    public long Seed { get; init; }

    /// <summary>Reject NaN or infinite inputs with an error instead of propagating them (the trainer's roles do).</summary>
    public bool RejectNan { get; init; }

    /// <summary>
    /// Inference with eval-mode batch normalisation folded into the conv and linear layers before it
    /// (the same function up to float rounding, measurably faster; docs/engine-runtime.md). False
    /// runs the network's modules as trained, e.g. to compare the two.
    /// </summary>
    public bool FusedInference { get; init; } = true;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid key.</summary>
    public ModelSpec Validate()
    {
        if (!Enum.IsDefined(Observation)) Fail("observation_kind", Observation, "is not a known observation kind");
        var rank = Observation == ObservationKind.Vector ? 1 : 3;
        if (ObservationShape is null || ObservationShape.Length != rank)
        {
            Fail("observation_shape", ObservationShape?.Length ?? 0,
                rank == 1 ? "needs one size for a vector observation" : "needs [channels, height, width]");
        }

        if (ObservationShape.Any(d => d <= 0)) Fail("observation_shape", string.Join(",", ObservationShape), "sizes must be positive");
        if (ActionCount <= 0) Fail("action_count", ActionCount, "must be positive");
        if (Model is null) Fail("model", "null", "is required");
        Model.Validate();
        if (Model.Augment && Observation == ObservationKind.Vector) Fail("augment", true, "needs grid or image observations");
        if (Unroll <= 0) Fail("unroll", Unroll, "must be positive");
        if (LstmHorizon <= 0) Fail("lstm_horizon", LstmHorizon, "must be positive");
        if (Optimizer is null) Fail("optimizer", "null", "is required");
        Optimizer.Validate();
        if (!Enum.IsDefined(Device)) Fail("device", Device, "is not a known device");
        if (Precision is not (EnginePrecision.Float32 or EnginePrecision.BFloat16)) Fail("precision", Precision, "is not float32 or bfloat16");
        if (Seed < 0) Fail("seed", Seed, "must not be negative");
        return this;
    }

    /// <summary>The engine's "key=value" text for this spec, every field written (validated first).</summary>
    public string ToNativeText()
    {
        Validate();
        var text = new NativeConfigText();
        text.Line("observation_kind", Observation.ToString().ToLowerInvariant());
        text.Line("observation_shape", string.Join(",", ObservationShape.Select(d => d.ToString(CultureInfo.InvariantCulture))));
        text.Line("action_count", ActionCount);
        Model.WriteNative(text);
        text.Line("unroll", Unroll);
        text.Line("lstm_horizon", LstmHorizon);
        Optimizer.WriteNative(text);
        text.Line("device", Device == EngineDevice.Cuda ? "cuda" : "cpu");
        text.Line("precision", Precision == EnginePrecision.BFloat16 ? "bfloat16" : "float32");
        text.Line("seed", Seed);
        text.Line("reject_nan", RejectNan);
        text.Line("fused_inference", FusedInference);
        return text.ToString();
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string key, object value, string why) => throw ConfigError.Of(key, value, why);
}
