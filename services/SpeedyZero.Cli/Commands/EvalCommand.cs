using System.CommandLine;
using SpeedyZero.Reporting.Progress;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Cluster.Hosting;

namespace SpeedyZero.Cli.Commands;

/// <summary><c>speedyzero eval --run DIR [--best | --weights FILE]</c>: greedy episodes with a run's last checkpoint, its best evaluated weights or a weights file.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A run folder (config.yaml, and checkpoint/ unless --weights is given).", Required = true };
        var episodes = new Option<int?>("--episodes") { Description = "Episodes to play (default: the run's eval.episodes)." };
        var bestOption = new Option<bool>("--best") { Description = "Use the weights of the run's best evaluation (best.weights) instead of its last checkpoint." };
        var weights = new Option<string?>("--weights") { Description = "Play this weights file (best.weights, or a committed result's) with the run folder's config.yaml; no checkpoint needed." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the environments.", DefaultValueFactory = _ => 12345UL };
        var command = new Command("eval", "Play greedy episodes (most visited action, no noise) with a run's last checkpoint or best weights.")
        {
            run, episodes, seed, bestOption, weights,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var loaded = RunWeights.Load("eval", result.GetValue(run)!, result.GetValue(bestOption), result.GetValue(weights));
            if (loaded is null) return Task.FromResult(ExitCodes.Usage);
            using var evaluator = new EvaluatorRole(loaded.Setup, result.GetValue(episodes));
            GreedyEpisodes played;
            try
            {
                played = EvaluationProgressDisplay.Show($"{loaded.Setup.Config.Env.Name} greedy episodes",
                    progress => evaluator.Run(loaded.Weights, result.GetValue(seed), cancellationToken, progress));
            }
            catch (OperationCanceledException)
            {
                return Task.FromResult(ExitCodes.Interrupted);
            }

            var returns = played.Returns;
            Console.WriteLine($"{loaded.Setup.Config.Env.Name}: greedy return {returns.Average():0.##} ± {returns.StandardDeviation():0.##} " +
                              $"over {played.Count} episodes ({loaded.Describe()}; min {returns.Min():0.##}, max {returns.Max():0.##}; " +
                              $"mean length {played.MeanLength:0} steps)");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
