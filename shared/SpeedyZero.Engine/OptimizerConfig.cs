namespace SpeedyZero.Engine;

/// <summary>Optimiser and learning-rate schedule of a model (ALGORITHM.md sections 2 and 6).</summary>
public sealed record OptimizerConfig
{
    /// <summary>EfficientZero's SGD: lr 0.2 warmed up over 1k steps, x0.1 at step 100k.</summary>
    public static OptimizerConfig Default { get; } = new();

    /// <summary>Which optimiser.</summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.Sgd;

    /// <summary>Peak learning rate (after warm-up, before decay).</summary>
    public double LearningRate { get; init; } = 0.2;

    /// <summary>Momentum of SGD and LARS.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>L2 weight decay (LARS: not applied to 1-D tensors).</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Adam's first-moment decay.</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>Adam's second-moment decay.</summary>
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>Adam's denominator epsilon.</summary>
    public double AdamEps { get; init; } = 1e-8;

    /// <summary>LARS trust coefficient eta.</summary>
    public double LarsEta { get; init; } = 0.001;

    /// <summary>Lower clamp of the LARS trust ratio.</summary>
    public double LarsMin { get; init; }

    /// <summary>Upper clamp of the LARS trust ratio.</summary>
    public double LarsMax { get; init; } = 1.0;

    /// <summary>LARS denominator epsilon.</summary>
    public double LarsEps { get; init; } = 1e-8;

    /// <summary>Steps of linear warm-up from lr/warmup to lr (0: none).</summary>
    public int WarmupSteps { get; init; } = 1000;

    /// <summary>The lr is multiplied by <see cref="LearningRateDecayRate"/> every this many steps (0: never).</summary>
    public int LearningRateDecaySteps { get; init; } = 100_000;

    /// <summary>Factor of each step decay.</summary>
    public double LearningRateDecayRate { get; init; } = 0.1;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid key (<c>optimizer.learning_rate</c>, ...).</summary>
    public OptimizerConfig Validate()
    {
        Require(Enum.IsDefined(Kind), "kind", Kind, "is not a known optimiser");
        Require(double.IsFinite(LearningRate) && LearningRate > 0, "learning_rate", LearningRate, "must be positive");
        Require(Momentum is >= 0 and < 1, "momentum", Momentum, "must be in [0, 1)");
        Require(WeightDecay >= 0, "weight_decay", WeightDecay, "must be >= 0");
        Require(AdamBeta1 is >= 0 and < 1, "adam_beta1", AdamBeta1, "must be in [0, 1)");
        Require(AdamBeta2 is >= 0 and < 1, "adam_beta2", AdamBeta2, "must be in [0, 1)");
        Require(AdamEps > 0, "adam_eps", AdamEps, "must be positive");
        Require(LarsEta > 0, "lars_eta", LarsEta, "must be positive");
        Require(LarsMin >= 0 && LarsMin <= LarsMax, "lars_min", LarsMin, "must be in [0, lars_max]");
        Require(LarsEps >= 0, "lars_eps", LarsEps, "must be >= 0");
        Require(WarmupSteps >= 0, "warmup_steps", WarmupSteps, "must be >= 0");
        Require(LearningRateDecaySteps >= 0, "learning_rate_decay_steps", LearningRateDecaySteps, "must be >= 0");
        Require(LearningRateDecayRate > 0, "learning_rate_decay_rate", LearningRateDecayRate, "must be positive");
        return this;
    }

    internal void WriteNative(NativeConfigText text)
    {
        var kind = Kind switch
        {
            OptimizerKind.Sgd => "sgd",
            OptimizerKind.Adam => "adam",
            OptimizerKind.Lars => "lars",
            _ => throw ConfigError.Of("optimizer.kind", Kind, "is not a known optimiser"),
        };
        text.Line("optimizer", kind);
        text.Line("learning_rate", LearningRate);
        text.Line("momentum", Momentum);
        text.Line("weight_decay", WeightDecay);
        text.Line("adam_beta1", AdamBeta1);
        text.Line("adam_beta2", AdamBeta2);
        text.Line("adam_eps", AdamEps);
        text.Line("lars_eta", LarsEta);
        text.Line("lars_min", LarsMin);
        text.Line("lars_max", LarsMax);
        text.Line("lars_eps", LarsEps);
        text.Line("warmup_steps", WarmupSteps);
        text.Line("learning_rate_decay_steps", LearningRateDecaySteps);
        text.Line("learning_rate_decay_rate", LearningRateDecayRate);
    }

    private static void Require(bool ok, string key, object value, string why)
    {
        if (!ok) throw ConfigError.Of($"optimizer.{key}", value, why);
    }
}
