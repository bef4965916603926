using System.CommandLine;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Setup;
using SpeedyZero.Cluster.Hosting;

namespace SpeedyZero.Cli.Commands;

/// <summary><c>speedyzero baseline --preset NAME</c>: the return of a uniformly random policy, the floor a run is compared with.</summary>
public static class BaselineCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset")
        {
            Description = $"Environment and its options from this configuration: {string.Join(", ", ConfigLoader.Presets)}.",
            DefaultValueFactory = _ => "cartpole",
        };
        var configFile = new Option<string?>("--config") { Description = "YAML file merged over the preset." };
        var set = new Option<string[]>("--set") { Description = "Override one key, e.g. --set env.sticky_action_probability=0 (repeatable)." };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to play.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the environment and of the actions.", DefaultValueFactory = _ => 12345UL };
        var command = new Command("baseline", "Play episodes with uniformly random actions: the return a learned policy is compared with.")
        {
            preset, configFile, set, episodes, seed,
        };
        command.SetAction((result, cancellationToken) =>
        {
            TrainingConfig config;
            try
            {
                config = ConfigLoader.Load(result.GetValue(preset), result.GetValue(configFile), ConfigLoader.ProcessEnvironment(), result.GetValue(set) ?? []);
            }
            catch (ConfigException e)
            {
                Console.Error.WriteLine($"speedyzero baseline: {e.Message}");
                return Task.FromResult(ExitCodes.Usage);
            }

            var count = result.GetValue(episodes);
            if (count <= 0)
            {
                Console.Error.WriteLine($"speedyzero baseline: --episodes must be positive, got {count}");
                return Task.FromResult(ExitCodes.Usage);
            }

            double[] returns;
            try
            {
                returns = RandomPolicyBaseline.Play(new TrainingSetup(config), count, result.GetValue(seed), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return Task.FromResult(ExitCodes.Interrupted);
            }

            var mean = returns.Average();
            var std = returns.StandardDeviation();
            Console.WriteLine($"{config.Env.Name}: random-policy return {mean:0.###} ± {std:0.###} over {returns.Length} episodes " +
                              $"(standard error {std / Math.Sqrt(returns.Length):0.###}; min {returns.Min():0.##}, max {returns.Max():0.##})");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
