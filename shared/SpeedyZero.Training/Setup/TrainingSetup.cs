using SpeedyZero.Core.Environments;
using SpeedyZero.Core.Model;
using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Search;
using SpeedyZero.Core.Segments;
using SpeedyZero.Core.Targets;
using SpeedyZero.Engine;
using SpeedyZero.Training.Config;

namespace SpeedyZero.Training.Setup;

/// <summary>
/// A validated configuration turned into the option records of the libraries (engine, search,
/// targets, segments, priorities), derived once so every role agrees on shapes and constants.
/// </summary>
public sealed class TrainingSetup
{
    public TrainingSetup(TrainingConfig config)
    {
        Config = config.Validate();
        EnvironmentOptions = new EnvironmentOptions
        {
            StickyActionProbability = config.Env.StickyActionProbability,
            MinimalActionSet = config.Env.MinimalActionSet,
            DifficultyRamping = config.Env.DifficultyRamping,
            MaxEpisodeSteps = config.Env.MaxEpisodeSteps,
        };

        var probe = EnvironmentRegistry.Create(config.Env.Name, EnvironmentOptions);
        ObservationShape = probe.ObservationShape;
        ActionCount = probe.ActionCount;
        FrameStack = config.Env.FrameStack;
        StackedObservationSize = ObservationShape.Size * FrameStack;
        Encoding = IsBinary(probe) ? ObservationEncoding.Bits : ObservationEncoding.Float32;

        var algorithm = config.Algorithm;
        var input = ObservationShape.IsGrid
            ? ModelSpec.Grid(ObservationShape.Channels * FrameStack, ObservationShape.Height, ObservationShape.Width, ActionCount)
            : ModelSpec.Vector(StackedObservationSize, ActionCount);
        ModelSpec = input with
        {
            Model = config.Model,
            Unroll = algorithm.UnrollSteps,
            LstmHorizon = algorithm.ValuePrefixHorizon,
            Optimizer = config.Optimizer,
            Device = config.Engine.Device,
            Precision = config.Engine.Precision,
            Seed = config.Run.Seed,
            RejectNan = true,
        };
        try
        {
            ModelSpec.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(e.ParamName == "augment" ? $"model.augment: needs grid or image observations ({config.Env.Name} has vectors)" : e.Message, e);
        }

        SearchOptions = new SearchOptions
        {
            Simulations = config.Search.Simulations,
            PbC1 = (float)config.Search.PbC1,
            PbC2 = (float)config.Search.PbC2,
            Discount = (float)algorithm.Discount,
            ValuePrefixHorizon = algorithm.ValuePrefixHorizon,
            DirichletAlpha = (float)config.Search.DirichletAlpha,
            DirichletFraction = (float)config.Search.DirichletFraction,
        }.Validate();
        ReanalyzeSearchOptions = SearchOptions with
        {
            Simulations = config.Reanalyze.Simulations > 0 ? config.Reanalyze.Simulations : config.Search.Simulations,
        };
        TargetOptions = new TargetOptions
        {
            UnrollSteps = algorithm.UnrollSteps,
            TdSteps = algorithm.TdSteps,
            Discount = (float)algorithm.Discount,
            ValuePrefixHorizon = algorithm.ValuePrefixHorizon,
            ClipRewards = algorithm.ClipRewards,
            DynamicHorizon = algorithm.DynamicHorizon,
            HorizonAgeFraction = algorithm.HorizonAgeFraction,
        }.Validate();
        SegmentOptions = new SegmentOptions
        {
            Length = config.Replay.SegmentLength,
            UnrollSteps = algorithm.UnrollSteps,
            TdSteps = algorithm.TdSteps,
            HistoryFrames = FrameStack - 1,
        }.Validate();
        PriorityOptions = new PriorityOptions
        {
            Capacity = config.Replay.Capacity,
            Alpha = config.Replay.PriorityAlpha,
            BetaStart = config.Replay.PriorityBetaStart,
            BetaEnd = config.Replay.PriorityBetaEnd,
        }.Validate();
    }

    public TrainingConfig Config { get; }

    public EnvironmentOptions EnvironmentOptions { get; }

    /// <summary>One unstacked observation.</summary>
    public ObservationShape ObservationShape { get; }

    public int ActionCount { get; }

    public int FrameStack { get; }

    /// <summary>Floats of the network's input: <see cref="FrameStack"/> observations, oldest first.</summary>
    public int StackedObservationSize { get; }

    /// <summary>How segments store observations: bits for binary grids, floats otherwise.</summary>
    public ObservationEncoding Encoding { get; }

    /// <summary>What every role's models are built from (<see cref="CreateModel"/>).</summary>
    public ModelSpec ModelSpec { get; }

    public SearchOptions SearchOptions { get; }

    public SearchOptions ReanalyzeSearchOptions { get; }

    public TargetOptions TargetOptions { get; }

    public SegmentOptions SegmentOptions { get; }

    public PriorityOptions PriorityOptions { get; }

    public int UnrollSteps => Config.Algorithm.UnrollSteps;

    public IEnvironment CreateEnvironment() => EnvironmentRegistry.Create(Config.Env.Name, EnvironmentOptions);

    public VectorEnvironment CreateVectorEnvironment(int count) => VectorEnvironment.Create(Config.Env.Name, count, EnvironmentOptions);

    /// <summary>A fresh network on the configured device, threads set for this process.</summary>
    public EfficientZeroModel CreateModel(long seedOffset = 0)
    {
        EngineRuntime.Threads = Config.Engine.Threads;
        return EfficientZeroModel.Create(ModelSpec with { Seed = Config.Run.Seed + seedOffset });
    }

    /// <summary>Learner steps the run should have taken once <paramref name="envSteps"/> were collected.</summary>
    public double DesiredLearnerSteps(long envSteps) =>
        Math.Max(0, envSteps - Config.Replay.WarmupTransitions) * Config.Learner.TrainRatio;

    /// <summary>Whether a run at these counts is done: its env steps collected and its learner steps taken.</summary>
    public bool IsFinished(long envSteps, long learnerSteps) =>
        envSteps >= Config.Run.EnvSteps && learnerSteps >= DesiredLearnerSteps(Config.Run.EnvSteps);

    // MinAtar and Catch observations are 0/1 grids: one bit each in storage.
    private static bool IsBinary(IEnvironment environment) => environment.ObservationShape.IsGrid;
}
