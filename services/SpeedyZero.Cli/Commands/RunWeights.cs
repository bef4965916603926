using SpeedyZero.Engine;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Run;
using SpeedyZero.Training.Setup;
using SpeedyZero.Cluster.Hosting;

namespace SpeedyZero.Cli.Commands;

/// <summary>
/// The weights a command plays with: a run folder's last checkpoint, its best evaluation's weights
/// (<c>--best</c>), or a weights file (<c>--weights</c>: any file the engine exported, such as a
/// committed result's), always with the run folder's own configuration.
/// </summary>
internal sealed record RunWeights(TrainingSetup Setup, byte[] Weights, long? LearnerStep, string Source)
{
    /// <summary>Loads them, or returns null after printing why not (the command exits with <see cref="ExitCodes.Usage"/>).</summary>
    public static RunWeights? Load(string command, string runDirectory, bool best, string? weightsFile = null)
    {
        if (!Directory.Exists(runDirectory))
        {
            Console.Error.WriteLine($"speedyzero {command}: no run folder at {Path.GetFullPath(runDirectory)}");
            return null;
        }

        if (best && weightsFile is not null)
        {
            Console.Error.WriteLine($"speedyzero {command}: --best and --weights name two different weights; give one");
            return null;
        }

        var folder = new RunFolder(runDirectory);
        var missing = weightsFile is not null ? (File.Exists(weightsFile) ? null : $"no weights file at {Path.GetFullPath(weightsFile)}")
            : best ? (File.Exists(folder.BestWeightsPath) ? null : $"{folder.Root} has no best.weights (no evaluation finished yet)")
            : Checkpoint.Exists(folder.CheckpointPath) ? null : $"{folder.Root} has no checkpoint";
        if (missing is not null)
        {
            Console.Error.WriteLine($"speedyzero {command}: {missing}");
            return null;
        }

        TrainingSetup setup;
        try
        {
            setup = new TrainingSetup(ConfigLoader.Load(null, folder.ConfigPath, new Dictionary<string, string>(), []));
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"speedyzero {command}: {e.Message}");
            return null;
        }

        using var model = setup.CreateModel();
        var file = weightsFile ?? (best ? folder.BestWeightsPath : null);
        try
        {
            if (file is not null) model.ImportWeights(File.ReadAllBytes(file));
            else Checkpoint.LoadModel(folder.CheckpointPath, model);
        }
        catch (Exception e) when (e is EngineException or InvalidDataException)
        {
            // Typically weights saved by an older engine whose network differs from the one config.yaml builds now.
            Console.Error.WriteLine($"speedyzero {command}: {file ?? folder.CheckpointPath} does not load into " +
                                    $"the network {folder.ConfigPath} describes: {e.Message}");
            return null;
        }

        // A weights file does not record the learner step it was exported at.
        if (weightsFile is not null) return new RunWeights(setup, model.ExportWeights(), null, $"weights {weightsFile}");
        if (best) return new RunWeights(setup, model.ExportWeights(), new BestWeights(folder).Best?.LearnerSteps ?? model.Step, "best weights");
        return new RunWeights(setup, model.ExportWeights(), model.Step, "checkpoint");
    }

    /// <summary>"best weights, learner step N", "checkpoint, learner step N" or "weights FILE".</summary>
    public string Describe() => LearnerStep is { } step ? $"{Source}, learner step {step}" : Source;
}
