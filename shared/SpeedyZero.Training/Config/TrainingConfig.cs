using SpeedyZero.Engine;

namespace SpeedyZero.Training.Config;

/// <summary>
/// Everything a training run is configured by, one section per concern. Loaded in layers
/// (preset, file, environment, --set) by <see cref="ConfigLoader"/>; keys are snake_case.
/// </summary>
public sealed partial record TrainingConfig
{
    public RunSection Run { get; init; } = new();
    public EnvSection Env { get; init; } = new();
    public ModelConfig Model { get; init; } = new();
    public OptimizerConfig Optimizer { get; init; } = OptimizerConfig.Default;
    public SearchSection Search { get; init; } = new();
    public AlgorithmSection Algorithm { get; init; } = new();
    public ReplaySection Replay { get; init; } = new();
    public ReanalyzeSection Reanalyze { get; init; } = new();
    public RefreshSection Refresh { get; init; } = new();
    public LearnerSection Learner { get; init; } = new();
    public EvalSection Eval { get; init; } = new();
    public EngineSection Engine { get; init; } = new();

    /// <summary>Keys that were replaced, with their replacement: setting one is an error that names the new key.</summary>
    public static IReadOnlyDictionary<string, string> ReplacedKeys { get; } = new Dictionary<string, string>
    {
        ["run.threads"] = "engine.threads",
        ["model.device"] = "engine.device",
    };

    /// <summary>Checks every section; throws <see cref="ConfigException"/> naming the first bad field.</summary>
    public TrainingConfig Validate()
    {
        Run.Validate();
        Env.Validate();
        Engine.Validate();
        Search.Validate();
        Algorithm.Validate();
        Replay.Validate();
        Reanalyze.Validate();
        Refresh.Validate();
        Learner.Validate();
        Eval.Validate();
        Check.That(Replay.SegmentLength >= 1, "replay.segment_length", "must be at least 1");
        Check.That(Replay.WarmupTransitions >= Learner.BatchSize, "replay.warmup_transitions",
            $"must be at least learner.batch_size ({Learner.BatchSize}) so the first batch can be drawn");
        Check.That(Replay.Capacity >= Replay.WarmupTransitions, "replay.capacity", "must be at least replay.warmup_transitions");
        try
        {
            Model.Validate();
            Optimizer.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(e.Message, e);
        }

        return this;
    }
}

/// <summary>Whole-run settings.</summary>
public sealed record RunSection
{
    /// <summary>Seed of every random stream in the run (environments, search, sampling, network init).</summary>
    public long Seed { get; init; }

    /// <summary>Environment steps to collect in total; the run stops there (and the dynamic horizon is relative to it).</summary>
    public long EnvSteps { get; init; } = 20_000;

    /// <summary>Folder under which each run gets its own subfolder.</summary>
    public string Out { get; init; } = "runs";

    public void Validate()
    {
        Check.That(EnvSteps >= 1, "run.env_steps", "must be at least 1");
        Check.That(!string.IsNullOrWhiteSpace(Out), "run.out", "must name a folder");
    }
}

/// <summary>Which environment, and how many copies each actor steps in lock-step.</summary>
public sealed record EnvSection
{
    /// <summary>cartpole, breakout, asterix, freeway, seaquest, space_invaders, or catch.</summary>
    public string Name { get; init; } = "cartpole";

    /// <summary>Environments one actor steps together (one batched search per step).</summary>
    public int Parallel { get; init; } = 8;

    /// <summary>Observations stacked into the network's input (1 = the current one only).</summary>
    public int FrameStack { get; init; } = 1;

    /// <summary>MinAtar: probability the previous action repeats.</summary>
    public double StickyActionProbability { get; init; } = 0.1;

    /// <summary>MinAtar: use the game's minimal action set instead of all six actions.</summary>
    public bool MinimalActionSet { get; init; } = true;

    /// <summary>MinAtar: games speed up over an episode.</summary>
    public bool DifficultyRamping { get; init; } = true;

    /// <summary>Truncate episodes at this many steps (null: the environment's own limit).</summary>
    public int? MaxEpisodeSteps { get; init; }

    public void Validate()
    {
        Check.That(Core.Environments.EnvironmentRegistry.IsKnown(Name), "env.name",
            $"unknown environment '{Name}'; known: {string.Join(", ", Core.Environments.EnvironmentRegistry.Names)}");
        Check.That(Parallel >= 1, "env.parallel", "must be at least 1");
        Check.That(FrameStack >= 1, "env.frame_stack", "must be at least 1");
        Check.That(StickyActionProbability is >= 0 and <= 1, "env.sticky_action_probability", "must be in [0, 1]");
        Check.That(MaxEpisodeSteps is null or >= 1, "env.max_episode_steps", "must be at least 1");
    }
}

/// <summary>The engine in this process: <c>speedyzero train</c> and every service role read the same keys.</summary>
public sealed record EngineSection
{
    /// <summary>libtorch intra-op threads (in the cluster: the container's CPU limit).</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>cpu, or cuda when the engine was built against a CUDA libtorch.</summary>
    public EngineDevice Device { get; init; } = EngineDevice.Cpu;

    /// <summary>
    /// float32, or bfloat16 for the train step's convolutions and matrix products and large-batch inference's
    /// convolutions (needs AVX512_BF16 or AMX; refused elsewhere), or auto: bfloat16 where a bfloat16 convolution
    /// measures at least <see cref="AutoBFloat16Speedup"/> times as fast as a float32 one on this CPU, float32
    /// elsewhere. Weights, optimiser state and losses stay float32.
    /// </summary>
    public EnginePrecision Precision { get; init; } = EnginePrecision.Float32;

    public void Validate()
    {
        Check.That(Threads >= 1, "engine.threads", "must be at least 1");
        Check.That(Enum.IsDefined(Device), "engine.device", $"'{Device}' is not cpu or cuda");
        Check.That(Enum.IsDefined(Precision), "engine.precision", $"'{Precision}' is not float32, bfloat16 or auto");
    }

    /// <summary>
    /// The speed-up auto asks of bfloat16: a margin over parity, since bfloat16 costs some accuracy and a
    /// conversion on each side of every convolution. Measured: 1.5x on AMD Zen 4, 0.5-0.75x on an Intel Xeon
    /// without AMX (docs/engine-runtime.md).
    /// </summary>
    public const double AutoBFloat16Speedup = 1.2;

    /// <summary>This section with precision auto replaced by this machine's choice (bfloat16 where it measures faster).</summary>
    public EngineSection WithPrecisionResolved() => Precision != EnginePrecision.Auto ? this : this with
    {
        Precision = Device == EngineDevice.Cpu && EngineRuntime.BFloat16ConvSpeedup >= AutoBFloat16Speedup
            ? EnginePrecision.BFloat16
            : EnginePrecision.Float32,
    };
}

/// <summary>Monte-Carlo tree search (ALGORITHM.md section 3).</summary>
public sealed record SearchSection
{
    /// <summary>Simulations per move in self-play.</summary>
    public int Simulations { get; init; } = 50;

    /// <summary>pUCT constants c1 and c2.</summary>
    public double PbC1 { get; init; } = 1.25;
    public double PbC2 { get; init; } = 19652;

    /// <summary>Root Dirichlet noise (self-play and reanalysis; never in evaluation).</summary>
    public double DirichletAlpha { get; init; } = 0.3;
    public double DirichletFraction { get; init; } = 0.25;

    /// <summary>Visit-count temperatures used in turn as training progresses...</summary>
    public List<double> Temperatures { get; init; } = [1.0, 0.5, 0.25];

    /// <summary>...switching at these fractions of run.env_steps (one fewer than temperatures).</summary>
    public List<double> TemperatureSteps { get; init; } = [0.5, 0.75];

    public void Validate()
    {
        Check.That(Simulations >= 1, "search.simulations", "must be at least 1");
        Check.That(PbC1 > 0 && PbC2 > 0, "search.pb_c1", "pb_c1 and pb_c2 must be positive");
        Check.That(DirichletAlpha > 0, "search.dirichlet_alpha", "must be positive");
        Check.That(DirichletFraction is >= 0 and <= 1, "search.dirichlet_fraction", "must be in [0, 1]");
        Check.That(Temperatures.Count >= 1 && Temperatures.All(t => t >= 0), "search.temperatures", "needs at least one non-negative temperature");
        Check.That(TemperatureSteps.Count == Temperatures.Count - 1, "search.temperature_steps", "needs one entry fewer than search.temperatures");
    }

    /// <summary>Temperature in force at <paramref name="progress"/> (fraction of the run's env steps).</summary>
    public float TemperatureAt(double progress)
    {
        var index = TemperatureSteps.Count(step => progress >= step);
        return (float)Temperatures[index];
    }
}

/// <summary>Returns and targets shared by search, reanalysis and training (ALGORITHM.md sections 2 and 4).</summary>
public sealed record AlgorithmSection
{
    /// <summary>Discount per agent step.</summary>
    public double Discount { get; init; } = Math.Pow(0.997, 4);

    /// <summary>Unroll steps K of training.</summary>
    public int UnrollSteps { get; init; } = 5;

    /// <summary>n of the n-step value target.</summary>
    public int TdSteps { get; init; } = 5;

    /// <summary>The value-prefix LSTM restarts every this many steps.</summary>
    public int ValuePrefixHorizon { get; init; } = 5;

    /// <summary>Clip rewards to their sign in targets (Atari-style).</summary>
    public bool ClipRewards { get; init; }

    /// <summary>Shorten the value horizon for old data (off-policy correction).</summary>
    public bool DynamicHorizon { get; init; } = true;

    /// <summary>Age fraction of the run per horizon step lost.</summary>
    public double HorizonAgeFraction { get; init; } = 0.3;

    public void Validate()
    {
        Check.That(Discount is > 0 and <= 1, "algorithm.discount", "must be in (0, 1]");
        Check.That(UnrollSteps >= 1, "algorithm.unroll_steps", "must be at least 1");
        Check.That(TdSteps >= 1, "algorithm.td_steps", "must be at least 1");
        Check.That(ValuePrefixHorizon >= 1, "algorithm.value_prefix_horizon", "must be at least 1");
        Check.That(HorizonAgeFraction > 0, "algorithm.horizon_age_fraction", "must be positive");
    }
}

/// <summary>Replay buffer and prioritised sampling (ALGORITHM.md section 5).</summary>
public sealed record ReplaySection
{
    /// <summary>Transitions kept; the oldest are evicted past it.</summary>
    public int Capacity { get; init; } = 100_000;

    /// <summary>Transitions per segment (plus padding for targets across the boundary).</summary>
    public int SegmentLength { get; init; } = 200;

    /// <summary>Priority exponent alpha.</summary>
    public double PriorityAlpha { get; init; } = 0.6;

    /// <summary>Importance-weight exponent beta, annealed from start to end over the run.</summary>
    public double PriorityBetaStart { get; init; } = 0.4;
    public double PriorityBetaEnd { get; init; } = 1.0;

    /// <summary>Transitions collected before training starts.</summary>
    public int WarmupTransitions { get; init; } = 1_000;

    public void Validate()
    {
        Check.That(Capacity >= 1, "replay.capacity", "must be at least 1");
        Check.That(PriorityAlpha >= 0, "replay.priority_alpha", "must not be negative");
        Check.That(PriorityBetaStart is >= 0 and <= 1 && PriorityBetaEnd is >= 0 and <= 1, "replay.priority_beta_start", "betas must be in [0, 1]");
        Check.That(WarmupTransitions >= 0, "replay.warmup_transitions", "must not be negative");
    }
}

/// <summary>Reanalysis: fresh targets with the target network (ALGORITHM.md section 4).</summary>
public sealed record ReanalyzeSection
{
    /// <summary>Reanalysis workers in this process (each holds its own copy of the target network).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Fraction of samples whose policy target comes from a fresh search (the rest keep self-play's).</summary>
    public double FreshPolicyFraction { get; init; } = 0.99;

    /// <summary>Simulations of the fresh search (0: as search.simulations).</summary>
    public int Simulations { get; init; }

    /// <summary>Ready batches waiting for the learner; a full queue pauses reanalysis so targets stay fresh.</summary>
    public int QueueCapacity { get; init; } = 4;

    public void Validate()
    {
        Check.That(Workers >= 1, "reanalyze.workers", "must be at least 1");
        Check.That(FreshPolicyFraction is >= 0 and <= 1, "reanalyze.fresh_policy_fraction", "must be in [0, 1]");
        Check.That(Simulations >= 0, "reanalyze.simulations", "must not be negative");
        Check.That(QueueCapacity >= 1, "reanalyze.queue_capacity", "must be at least 1");
    }
}

/// <summary>Priority Refresh: sweep the whole buffer with the latest weights (SpeedyZero).</summary>
public sealed record RefreshSection
{
    /// <summary>Run the refresh worker.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Transitions re-prioritised per refresh round.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Budget: one round per this many learner steps.</summary>
    public int EveryLearnerSteps { get; init; } = 4;

    public void Validate()
    {
        Check.That(BatchSize >= 1, "refresh.batch_size", "must be at least 1");
        Check.That(EveryLearnerSteps >= 1, "refresh.every_learner_steps", "must be at least 1");
    }
}

/// <summary>The learner's rhythm (ALGORITHM.md section 7).</summary>
public sealed record LearnerSection
{
    /// <summary>Samples per training step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Learner steps per environment step; actors pause when they run ahead of it.</summary>
    public double TrainRatio { get; init; } = 0.25;

    /// <summary>Publish self-play weights every this many learner steps.</summary>
    public int SelfplayWeightsEvery { get; init; } = 100;

    /// <summary>Publish target-network weights every this many learner steps.</summary>
    public int TargetWeightsEvery { get; init; } = 200;

    /// <summary>Checkpoint every this many learner steps (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 1_000;

    /// <summary>Learner service: its run folder (checkpoint/ to resume from, metrics.jsonl, curves.png, summary.json, best.weights); <c>speedyzero train</c> has --out instead.</summary>
    public string RunDir { get; init; } = "run";

    public void Validate()
    {
        Check.That(BatchSize >= 2, "learner.batch_size", "must be at least 2 (batch normalisation)");
        Check.That(TrainRatio > 0, "learner.train_ratio", "must be positive");
        Check.That(SelfplayWeightsEvery >= 1, "learner.selfplay_weights_every", "must be at least 1");
        Check.That(TargetWeightsEvery >= 1, "learner.target_weights_every", "must be at least 1");
        Check.That(CheckpointEvery >= 1, "learner.checkpoint_every", "must be at least 1");
    }
}

/// <summary>Greedy evaluation (argmax visits, no noise).</summary>
public sealed record EvalSection
{
    /// <summary>Evaluate every this many learner steps (and at the end).</summary>
    public int Every { get; init; } = 500;

    /// <summary>Episodes per evaluation.</summary>
    public int Episodes { get; init; } = 20;

    /// <summary>Mean greedy return that counts as solved (drawn on the curves; the summary reports when it was first reached).</summary>
    public double? SolvedReturn { get; init; }

    /// <summary>
    /// Ends a greedy episode after this many steps (its return so far counts); none: only the environment's own end.
    /// Bounds an evaluation's time in games without a step limit (MinAtar breakout), where a strong agent plays on.
    /// </summary>
    public int? MaxEpisodeSteps { get; init; }

    public void Validate()
    {
        Check.That(Every >= 1, "eval.every", "must be at least 1");
        Check.That(Episodes >= 1, "eval.episodes", "must be at least 1");
        Check.That(MaxEpisodeSteps is null or >= 1, "eval.max_episode_steps", "must be at least 1");
    }
}

internal static class Check
{
    public static void That(bool condition, string field, string problem)
    {
        if (!condition)
        {
            throw new ConfigException($"{field}: {problem}");
        }
    }
}
