using System.CommandLine;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Run;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Cli.Commands;

/// <summary><c>speedyzero eval --run DIR [--best]</c>: greedy episodes with a run's last checkpoint or its best evaluated weights.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A run folder (with config.yaml and checkpoint/).", Required = true };
        var episodes = new Option<int?>("--episodes") { Description = "Episodes to play (default: the run's eval.episodes)." };
        var bestOption = new Option<bool>("--best") { Description = "Use the weights of the run's best evaluation (best.weights) instead of its last checkpoint." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the environments.", DefaultValueFactory = _ => 12345UL };
        var command = new Command("eval", "Play greedy episodes (most visited action, no noise) with a run's last checkpoint or best weights.")
        {
            run, episodes, seed, bestOption,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var folder = new RunFolder(result.GetValue(run)!);
            var useBest = result.GetValue(bestOption);
            if (useBest ? !File.Exists(folder.BestWeightsPath) : !Checkpoint.Exists(folder.CheckpointPath))
            {
                Console.Error.WriteLine($"speedyzero eval: {folder.Root} has no {(useBest ? "best.weights (no evaluation finished yet)" : "checkpoint")}");
                return Task.FromResult(ExitCodes.Usage);
            }

            TrainingSetup setup;
            try
            {
                setup = new TrainingSetup(ConfigLoader.Load(null, folder.ConfigPath, new Dictionary<string, string>(), []));
            }
            catch (ConfigException e)
            {
                Console.Error.WriteLine($"speedyzero eval: {e.Message}");
                return Task.FromResult(ExitCodes.Usage);
            }

            using var model = setup.CreateModel();
            if (useBest) model.ImportWeights(File.ReadAllBytes(folder.BestWeightsPath));
            else Checkpoint.LoadModel(folder.CheckpointPath, model);
            var step = useBest ? new BestWeights(folder).Best?.LearnerSteps ?? model.Step : model.Step;
            using var evaluator = new EvaluatorRole(setup, result.GetValue(episodes));
            var returns = evaluator.Run(model.ExportWeights(), result.GetValue(seed), cancellationToken);
            var mean = returns.Average();
            var std = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / returns.Length);
            Console.WriteLine($"{setup.Config.Env.Name}: greedy return {mean:0.##} ± {std:0.##} over {returns.Length} episodes " +
                              $"({(useBest ? "best weights, " : "")}learner step {step}; min {returns.Min():0.##}, max {returns.Max():0.##})");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
