using System.Globalization;
using System.Text;

namespace SpeedyZero.Engine;

/// <summary>
/// Everything that defines a model: network sizes, loss, optimiser, device and seed. Validated in
/// C# (an <see cref="ArgumentException"/> naming the field) before it crosses to the engine,
/// which checks it again. Defaults follow ALGORITHM.md; start from <see cref="Vector"/>,
/// <see cref="Grid"/> or <see cref="Image"/>.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>A vector-observation model (MLP family) with default sizes.</summary>
    public static ModelConfig Vector(int observationSize, int actionCount) =>
        new() { Observation = ObservationKind.Vector, ObservationShape = [observationSize], ActionCount = actionCount };

    /// <summary>A grid-observation model (convs, no down-sampling) with default sizes.</summary>
    public static ModelConfig Grid(int channels, int height, int width, int actionCount) =>
        new() { Observation = ObservationKind.Grid, ObservationShape = [channels, height, width], ActionCount = actionCount };

    /// <summary>An image-observation model (down-sampling ResNet) with default sizes.</summary>
    public static ModelConfig Image(int channels, int height, int width, int actionCount) =>
        new() { Observation = ObservationKind.Image, ObservationShape = [channels, height, width], ActionCount = actionCount };

    /// <summary>Network family.</summary>
    public ObservationKind Observation { get; init; }

    /// <summary>Vector: [size]; grid and image: [channels (stacked frames included), height, width].</summary>
    public int[] ObservationShape { get; init; } = [];

    /// <summary>Number of discrete actions.</summary>
    public int ActionCount { get; init; }

    /// <summary>Conv families: channels of the latent.</summary>
    public int Channels { get; init; } = 32;

    /// <summary>Residual blocks in each of representation, dynamics and prediction.</summary>
    public int Blocks { get; init; } = 1;

    /// <summary>Vector family: width of the MLPs.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Vector family: size of the latent.</summary>
    public int Latent { get; init; } = 64;

    /// <summary>Conv families: channels of the 1x1 reduction in front of each head.</summary>
    public int HeadChannels { get; init; } = 16;

    /// <summary>Hidden width of the value, value-prefix and policy heads.</summary>
    public int HeadHidden { get; init; } = 32;

    /// <summary>Hidden size of the value-prefix LSTM.</summary>
    public int LstmHidden { get; init; } = 64;

    /// <summary>Value support [-S, S] (2S+1 bins).</summary>
    public int ValueSupport { get; init; } = 300;

    /// <summary>
    /// Bins over h(value) (true, ALGORITHM.md) or over the value itself (false: one bin per unit,
    /// finer where values are small and their differences matter, as in CartPole).
    /// </summary>
    public bool ValueHTransform { get; init; } = true;

    /// <summary>Value-prefix support [-S, S] (2S+1 bins).</summary>
    public int ValuePrefixSupport { get; init; } = 300;

    /// <summary>Hidden width of the SimSiam projection.</summary>
    public int ProjectionHidden { get; init; } = 256;

    /// <summary>Output size of the projection (and of the predictor).</summary>
    public int ProjectionOut { get; init; } = 256;

    /// <summary>Hidden width of the SimSiam predictor.</summary>
    public int PredictorHidden { get; init; } = 64;

    /// <summary>Unroll steps K of the training step.</summary>
    public int Unroll { get; init; } = 5;

    /// <summary>The training unroll resets the value-prefix LSTM after this many steps.</summary>
    public int LstmHorizon { get; init; } = 5;

    /// <summary>Weight of the policy loss.</summary>
    public double PolicyWeight { get; init; } = 1.0;

    /// <summary>Weight of the value loss.</summary>
    public double ValueWeight { get; init; } = 0.25;

    /// <summary>Weight of the value-prefix loss.</summary>
    public double ValuePrefixWeight { get; init; } = 1.0;

    /// <summary>Weight of the consistency (SimSiam) loss.</summary>
    public double ConsistencyWeight { get; init; } = 2.0;

    /// <summary>Gradient scale through each unrolled latent.</summary>
    public double LatentGradScale { get; init; } = 0.5;

    /// <summary>Gradient-norm clip (0: none).</summary>
    public double GradClip { get; init; } = 5.0;

    /// <summary>Random shift and intensity augmentation of training observations (grid and image only).</summary>
    public bool Augment { get; init; }

    /// <summary>Padding of the random shift, in pixels.</summary>
    public int AugmentShift { get; init; } = 4;

    /// <summary>Scale of the intensity jitter (x * (1 + scale * clamp(N(0,1), -2, 2))).</summary>
    public double AugmentIntensity { get; init; } = 0.05;

    /// <summary>Reject NaN or infinite inputs with an error instead of propagating them.</summary>
    public bool RejectNan { get; init; }

    /// <summary>
    /// Inference with eval-mode batch normalisation folded into the conv and linear layers before it
    /// (the same function up to float rounding, measurably faster; docs/engine-runtime.md). False
    /// runs the network's modules as trained, e.g. to compare the two.
    /// </summary>
    public bool FusedInference { get; init; } = true;

    /// <summary>Optimiser and schedule.</summary>
    public OptimizerConfig Optimizer { get; init; } = OptimizerConfig.Default;

    /// <summary>Where the tensors live.</summary>
    public EngineDevice Device { get; init; } = EngineDevice.Cpu;

    /// <summary>Seed of the initial weights and of the augmentation.</summary>
    public long Seed { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public ModelConfig Validate()
    {
        if (!Enum.IsDefined(Observation)) Fail(nameof(Observation), Observation, "is not a known observation kind");
        var rank = Observation == ObservationKind.Vector ? 1 : 3;
        if (ObservationShape is null || ObservationShape.Length != rank)
        {
            Fail(nameof(ObservationShape), ObservationShape?.Length ?? 0,
                rank == 1 ? "needs one size for a vector observation" : "needs [channels, height, width]");
        }

        if (ObservationShape.Any(d => d <= 0)) Fail(nameof(ObservationShape), string.Join(",", ObservationShape), "sizes must be positive");
        Positive(nameof(ActionCount), ActionCount);
        Positive(nameof(Channels), Channels);
        if (Blocks < 0) Fail(nameof(Blocks), Blocks, "must be >= 0");
        Positive(nameof(Hidden), Hidden);
        Positive(nameof(Latent), Latent);
        Positive(nameof(HeadChannels), HeadChannels);
        Positive(nameof(HeadHidden), HeadHidden);
        Positive(nameof(LstmHidden), LstmHidden);
        Positive(nameof(ValueSupport), ValueSupport);
        Positive(nameof(ValuePrefixSupport), ValuePrefixSupport);
        Positive(nameof(ProjectionHidden), ProjectionHidden);
        Positive(nameof(ProjectionOut), ProjectionOut);
        Positive(nameof(PredictorHidden), PredictorHidden);
        Positive(nameof(Unroll), Unroll);
        Positive(nameof(LstmHorizon), LstmHorizon);
        NonNegative(nameof(PolicyWeight), PolicyWeight);
        NonNegative(nameof(ValueWeight), ValueWeight);
        NonNegative(nameof(ValuePrefixWeight), ValuePrefixWeight);
        NonNegative(nameof(ConsistencyWeight), ConsistencyWeight);
        if (!(LatentGradScale is >= 0 and <= 1)) Fail(nameof(LatentGradScale), LatentGradScale, "must be in [0, 1]");
        NonNegative(nameof(GradClip), GradClip);
        if (Augment && Observation == ObservationKind.Vector) Fail(nameof(Augment), Augment, "needs grid or image observations");
        if (AugmentShift < 0) Fail(nameof(AugmentShift), AugmentShift, "must be >= 0");
        NonNegative(nameof(AugmentIntensity), AugmentIntensity);
        if (!Enum.IsDefined(Device)) Fail(nameof(Device), Device, "is not a known device");
        if (Seed < 0) Fail(nameof(Seed), Seed, "must be >= 0");
        if (Optimizer is null) Fail(nameof(Optimizer), "null", "is required");
        Optimizer.Validate();
        return this;
    }

    /// <summary>The engine's "key=value" text for this config (validated first).</summary>
    public string ToNativeText()
    {
        Validate();
        var text = new StringBuilder();
        NativeConfigText.Line(text, "observation_kind", Observation.ToString().ToLowerInvariant());
        NativeConfigText.Line(text, "observation_shape", string.Join(",", ObservationShape.Select(d => d.ToString(CultureInfo.InvariantCulture))));
        NativeConfigText.Line(text, "action_count", ActionCount);
        NativeConfigText.Line(text, "channels", Channels);
        NativeConfigText.Line(text, "blocks", Blocks);
        NativeConfigText.Line(text, "hidden", Hidden);
        NativeConfigText.Line(text, "latent", Latent);
        NativeConfigText.Line(text, "head_channels", HeadChannels);
        NativeConfigText.Line(text, "head_hidden", HeadHidden);
        NativeConfigText.Line(text, "lstm_hidden", LstmHidden);
        NativeConfigText.Line(text, "value_support", ValueSupport);
        NativeConfigText.Line(text, "value_prefix_support", ValuePrefixSupport);
        NativeConfigText.Line(text, "projection_hidden", ProjectionHidden);
        NativeConfigText.Line(text, "projection_out", ProjectionOut);
        NativeConfigText.Line(text, "predictor_hidden", PredictorHidden);
        NativeConfigText.Line(text, "unroll", Unroll);
        NativeConfigText.Line(text, "lstm_horizon", LstmHorizon);
        NativeConfigText.Line(text, "policy_weight", PolicyWeight);
        NativeConfigText.Line(text, "value_weight", ValueWeight);
        NativeConfigText.Line(text, "value_prefix_weight", ValuePrefixWeight);
        NativeConfigText.Line(text, "consistency_weight", ConsistencyWeight);
        NativeConfigText.Line(text, "latent_grad_scale", LatentGradScale);
        NativeConfigText.Line(text, "grad_clip", GradClip);
        NativeConfigText.Line(text, "value_h_transform", ValueHTransform);
        NativeConfigText.Line(text, "augment", Augment);
        NativeConfigText.Line(text, "augment_shift", AugmentShift);
        NativeConfigText.Line(text, "augment_intensity", AugmentIntensity);
        NativeConfigText.Line(text, "reject_nan", RejectNan);
        // Written only when off: the default needs no line, so the text stays readable by an engine
        // built before the field existed.
        if (!FusedInference) NativeConfigText.Line(text, "fused_inference", FusedInference);
        Optimizer.WriteNative(text);
        NativeConfigText.Line(text, "device", Device == EngineDevice.Cuda ? "cuda" : "cpu");
        NativeConfigText.Line(text, "seed", Seed.ToString(CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private static void Positive(string field, int value)
    {
        if (value <= 0) Fail(field, value, "must be positive");
    }

    private static void NonNegative(string field, double value)
    {
        if (!(double.IsFinite(value) && value >= 0)) Fail(field, value, "must be a finite number >= 0");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string field, object value, string why) =>
        throw new ArgumentOutOfRangeException($"{nameof(ModelConfig)}.{field}", value, $"{nameof(ModelConfig)}.{field} {why}");
}
