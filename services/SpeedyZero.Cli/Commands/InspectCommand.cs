using System.CommandLine;
using System.Globalization;
using SpeedyZero.Core.Environments;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Cluster.Hosting;

namespace SpeedyZero.Cli.Commands;

/// <summary>
/// <c>speedyzero inspect --run DIR</c>: greedy episodes with what the search saw at each step
/// (value against the return that followed, prior and visit sharpness), to find out why a policy fails.
/// </summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A run folder (with config.yaml and checkpoint/ or best.weights).", Required = true };
        var best = new Option<bool>("--best") { Description = "Use the weights of the run's best evaluation instead of its last checkpoint." };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to play, one after the other.", DefaultValueFactory = _ => 3 };
        var rows = new Option<int>("--rows") { Description = "Steps listed per episode (evenly spaced, always including the last).", DefaultValueFactory = _ => 8 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the first episode's environment.", DefaultValueFactory = _ => 12345UL };
        var command = new Command("inspect", "Play greedy episodes and show, step by step, the value against the return that followed and how decided the search was.")
        {
            run, best, episodes, rows, seed,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var count = result.GetValue(episodes);
            var listed = result.GetValue(rows);
            if (count < 1 || listed < 1)
            {
                Console.Error.WriteLine("speedyzero inspect: --episodes and --rows must be at least 1");
                return Task.FromResult(ExitCodes.Usage);
            }

            var loaded = RunWeights.Load("inspect", result.GetValue(run)!, result.GetValue(best));
            if (loaded is null) return Task.FromResult(ExitCodes.Usage);
            using var inspector = new EpisodeInspector(loaded.Setup, loaded.Weights);
            Console.WriteLine($"{loaded.Setup.Config.Env.Name}: {count} greedy episodes ({loaded.Describe()}); " +
                              $"return to go discounted by {loaded.Setup.Config.Algorithm.Discount.ToString(CultureInfo.InvariantCulture)}");
            for (var e = 0; e < count && !cancellationToken.IsCancellationRequested; e++)
            {
                var episode = inspector.Play(result.GetValue(seed) + (ulong)e);
                Print(e, episode, listed);
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static void Print(int index, InspectedEpisode episode, int rows)
    {
        Console.WriteLine();
        Console.WriteLine($"episode {index}: return {episode.Return:0.##}, {episode.Steps.Count} steps, {(episode.End == EpisodeEnd.None ? "cut at the step limit" : episode.End.ToString().ToLowerInvariant())}; " +
                          $"mean |value - return to go| {episode.MeanValueError:0.##}, correlation {episode.ValueCorrelation:0.00}; " +
                          $"mean |value one dynamics step in - value of the next observation| {episode.MeanOneStepGap:0.##}; " +
                          $"mean largest prior {episode.MeanPriorMax:0.00}, mean largest visit share {episode.MeanVisitMax:0.00}");
        if (episode.End == EpisodeEnd.Truncated)
        {
            Console.WriteLine("  (truncated by the time limit: the return to go of the last steps leaves out what would have followed)");
        }

        Console.WriteLine($"  {"step",6} {"value",9} {"root value",11} {"return to go",13} {"prior max",10} {"visit max",10} {"action",7} {"value after",12}");
        var n = episode.Steps.Count;
        // Evenly spaced steps, the first and the last included.
        var count = Math.Min(rows, n);
        var shown = count == 1 ? [n - 1] : Enumerable.Range(0, count).Select(i => (int)Math.Round(i * (n - 1) / (double)(count - 1))).Distinct();
        foreach (var t in shown)
        {
            var s = episode.Steps[t];
            Console.WriteLine($"  {s.Step,6} {s.Value,9:0.##} {s.RootValue,11:0.##} {s.ReturnToGo,13:0.##} {s.PriorMax,10:0.00} {s.VisitMax,10:0.00} {s.Action,7} {s.ValueAfterAction,12:0.##}");
        }
    }
}
