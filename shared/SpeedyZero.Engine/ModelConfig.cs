namespace SpeedyZero.Engine;

/// <summary>
/// The network's sizes and its loss: the <c>model:</c> section of the training configuration
/// (snake_case keys, the same names in the engine's config text, docs/engine.md). Defaults follow
/// ALGORITHM.md. What the environment and the algorithm decide (observations, actions, unroll)
/// joins it in a <see cref="ModelSpec"/>.
/// </summary>
public sealed record ModelConfig
{
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

    /// <summary>Weight of the policy loss (ALGORITHM.md section 2).</summary>
    public double PolicyWeight { get; init; } = 1.0;

    /// <summary>Weight of the value loss.</summary>
    public double ValueWeight { get; init; } = 0.25;

    /// <summary>Weight of the value-prefix loss.</summary>
    public double ValuePrefixWeight { get; init; } = 1.0;

    /// <summary>Weight of the consistency (SimSiam) loss.</summary>
    public double ConsistencyWeight { get; init; } = 2.0;

    /// <summary>Gradient scale through each unrolled latent, in [0, 1].</summary>
    public double LatentGradScale { get; init; } = 0.5;

    /// <summary>Gradient-norm clip (0: no clipping).</summary>
    public double GradClip { get; init; } = 5.0;

    /// <summary>Random shift and intensity augmentation of training observations (grid and image only).</summary>
    public bool Augment { get; init; }

    /// <summary>Padding of the random shift, in pixels.</summary>
    public int AugmentShift { get; init; } = 4;

    /// <summary>Scale of the intensity jitter (x * (1 + scale * clamp(N(0,1), -2, 2))).</summary>
    public double AugmentIntensity { get; init; } = 0.05;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid key (<c>model.channels</c>, ...).</summary>
    public ModelConfig Validate()
    {
        Positive("channels", Channels);
        if (Blocks < 0) Fail("blocks", Blocks, "must not be negative");
        Positive("hidden", Hidden);
        Positive("latent", Latent);
        Positive("head_channels", HeadChannels);
        Positive("head_hidden", HeadHidden);
        Positive("lstm_hidden", LstmHidden);
        Positive("value_support", ValueSupport);
        Positive("value_prefix_support", ValuePrefixSupport);
        Positive("projection_hidden", ProjectionHidden);
        Positive("projection_out", ProjectionOut);
        Positive("predictor_hidden", PredictorHidden);
        NonNegative("policy_weight", PolicyWeight);
        NonNegative("value_weight", ValueWeight);
        NonNegative("value_prefix_weight", ValuePrefixWeight);
        NonNegative("consistency_weight", ConsistencyWeight);
        if (!(LatentGradScale is >= 0 and <= 1)) Fail("latent_grad_scale", LatentGradScale, "must be in [0, 1]");
        NonNegative("grad_clip", GradClip);
        if (AugmentShift < 0) Fail("augment_shift", AugmentShift, "must not be negative");
        NonNegative("augment_intensity", AugmentIntensity);
        return this;
    }

    internal void WriteNative(NativeConfigText text)
    {
        text.Line("channels", Channels);
        text.Line("blocks", Blocks);
        text.Line("hidden", Hidden);
        text.Line("latent", Latent);
        text.Line("head_channels", HeadChannels);
        text.Line("head_hidden", HeadHidden);
        text.Line("lstm_hidden", LstmHidden);
        text.Line("value_support", ValueSupport);
        text.Line("value_h_transform", ValueHTransform);
        text.Line("value_prefix_support", ValuePrefixSupport);
        text.Line("projection_hidden", ProjectionHidden);
        text.Line("projection_out", ProjectionOut);
        text.Line("predictor_hidden", PredictorHidden);
        text.Line("policy_weight", PolicyWeight);
        text.Line("value_weight", ValueWeight);
        text.Line("value_prefix_weight", ValuePrefixWeight);
        text.Line("consistency_weight", ConsistencyWeight);
        text.Line("latent_grad_scale", LatentGradScale);
        text.Line("grad_clip", GradClip);
        text.Line("augment", Augment);
        text.Line("augment_shift", AugmentShift);
        text.Line("augment_intensity", AugmentIntensity);
    }

    private static void Positive(string key, int value)
    {
        if (value <= 0) Fail(key, value, "must be positive");
    }

    private static void NonNegative(string key, double value)
    {
        if (!(double.IsFinite(value) && value >= 0)) Fail(key, value, "must be a finite number >= 0");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string key, object value, string why) => throw ConfigError.Of($"model.{key}", value, why);
}
