using SpeedyZero.Engine;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Run;
using SpeedyZero.Training.Setup;
using SpeedyZero.Cluster.Hosting;

namespace SpeedyZero.Cli.Commands;

/// <summary>
/// The weights a command plays with: a run folder's last checkpoint, or its best evaluation's
/// weights (<c>--best</c>), with the run's own configuration.
/// </summary>
internal sealed record RunWeights(TrainingSetup Setup, byte[] Weights, long LearnerStep, bool Best)
{
    /// <summary>Loads them, or returns null after printing why not (the command exits with <see cref="ExitCodes.Usage"/>).</summary>
    public static RunWeights? Load(string command, string runDirectory, bool best)
    {
        if (!Directory.Exists(runDirectory))
        {
            Console.Error.WriteLine($"speedyzero {command}: no run folder at {Path.GetFullPath(runDirectory)}");
            return null;
        }

        var folder = new RunFolder(runDirectory);
        if (best ? !File.Exists(folder.BestWeightsPath) : !Checkpoint.Exists(folder.CheckpointPath))
        {
            Console.Error.WriteLine($"speedyzero {command}: {folder.Root} has no {(best ? "best.weights (no evaluation finished yet)" : "checkpoint")}");
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
        try
        {
            if (best) model.ImportWeights(File.ReadAllBytes(folder.BestWeightsPath));
            else Checkpoint.LoadModel(folder.CheckpointPath, model);
        }
        catch (Exception e) when (e is EngineException or InvalidDataException)
        {
            // Typically weights saved by an older engine whose network differs from the one config.yaml builds now.
            Console.Error.WriteLine($"speedyzero {command}: {(best ? folder.BestWeightsPath : folder.CheckpointPath)} does not load into " +
                                    $"the network {folder.ConfigPath} describes: {e.Message}");
            return null;
        }

        var step = best ? new BestWeights(folder).Best?.LearnerSteps ?? model.Step : model.Step;
        return new RunWeights(setup, model.ExportWeights(), step, best);
    }

    /// <summary>"best weights, learner step N" or "learner step N".</summary>
    public string Describe() => $"{(Best ? "best weights, " : "")}learner step {LearnerStep}";
}
