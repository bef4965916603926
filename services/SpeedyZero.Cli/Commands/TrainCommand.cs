using System.CommandLine;
using System.Runtime.InteropServices;
using Spectre.Console;
using SpeedyZero.Reporting.Plots;
using SpeedyZero.Reporting.Progress;
using SpeedyZero.Reporting.Runs;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Embedded;
using SpeedyZero.Training.Run;
using SpeedyZero.Training.Setup;
using SpeedyZero.Cluster.Hosting;
using SpeedyZero.Engine;

namespace SpeedyZero.Cli.Commands;

/// <summary><c>speedyzero train</c>: every role in one process, in-memory channels, no servers.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset")
        {
            Description = $"Starting configuration: {string.Join(", ", ConfigLoader.Presets)}.",
            DefaultValueFactory = _ => "cartpole",
        };
        var configFile = new Option<string?>("--config") { Description = "YAML file merged over the preset." };
        var set = new Option<string[]>("--set")
        {
            Description = "Override one key, e.g. --set learner.batch_size=64 (repeatable; wins over file and environment).",
            AllowMultipleArgumentsPerToken = false,
        };
        var steps = new Option<long?>("--steps") { Description = "Environment steps to collect (run.env_steps)." };
        var seed = new Option<long?>("--seed") { Description = "Seed of every random stream (run.seed)." };
        var output = new Option<string?>("--out") { Description = "Folder that receives the run's folder (run.out, default runs/)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its last checkpoint (its config.yaml; --steps may extend it). A finished run is left as it is (exit code 0)." };
        var progress = new Option<ProgressMode>("--progress")
        {
            Description = "Auto: live panel on a terminal, lines otherwise. Lines: a line every 10 s. Quiet: none.",
            DefaultValueFactory = _ => ProgressMode.Auto,
        };

        var command = new Command("train", "Train EfficientZero with all roles (actor, replay, reanalyzer, priority refresh, learner, evaluator) in one process.")
        {
            preset, configFile, set, steps, seed, output, resume, progress,
        };
        command.SetAction((result, cancellationToken) =>
        {
            // Ctrl+C cancels through System.CommandLine; SIGTERM (kill, a container runtime, a script's
            // background job, which ignores SIGINT) ends the run the same way: final evaluation,
            // checkpoint and summary, exit code 130.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            return Task.FromResult(Run(
                result.GetValue(preset)!, result.GetValue(configFile), result.GetValue(set) ?? [], result.GetValue(steps),
                result.GetValue(seed), result.GetValue(output), result.GetValue(resume), result.GetValue(progress), stop.Token));
        });
        return command;
    }

    private static int Run(string preset, string? configFile, string[] set, long? steps, long? seed, string? output, string? resume,
        ProgressMode progress, CancellationToken cancellationToken)
    {
        var overrides = set.ToList();
        if (steps is { } s) overrides.Add($"run.env_steps={s}");
        if (seed is { } sd) overrides.Add($"run.seed={sd}");
        if (output is not null) overrides.Add($"run.out={output}");

        TrainingConfig config;
        RunFolder folder;
        try
        {
            if (resume is not null)
            {
                folder = new RunFolder(resume);
                if (!Checkpoint.Exists(folder.CheckpointPath))
                {
                    Console.Error.WriteLine($"speedyzero train: {folder.Root} has no checkpoint to resume from");
                    return ExitCodes.Usage;
                }

                config = ConfigLoader.Load(null, folder.ConfigPath, ConfigLoader.ProcessEnvironment(), overrides);
            }
            else
            {
                config = ConfigLoader.Load(preset, configFile, ConfigLoader.ProcessEnvironment(), overrides);
                folder = RunFolder.CreateNew(config.Run.Out, config.Env.Name, config.Run.Seed);
            }
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"speedyzero train: {e.Message}");
            return ExitCodes.Usage;
        }

        if (resume is not null && Checkpoint.LoadState(folder.CheckpointPath) is var state
            && RunCompletion.IsFinished(new TrainingSetup(config), folder, state))
        {
            // Nothing to continue: leave the run's files as they are (a script may resume every run it knows).
            Console.WriteLine($"speedyzero train: {folder.Root} is finished ({state.EnvSteps:N0} of {config.Run.EnvSteps:N0} env steps, " +
                $"{state.LearnerSteps:N0} learner steps); nothing to do. --steps N continues it to N env steps.");
            return ExitCodes.Success;
        }

        var yaml = ConfigLoader.ToYaml(config);
        if (progress != ProgressMode.Quiet)
        {
            AnsiConsole.Write(new Panel(new Text(yaml)).Header("effective configuration"));
            AnsiConsole.MarkupLineInterpolated($"run folder: [blue]{folder.Root}[/]");
            EngineRuntime.EnsureLoaded();
            AnsiConsole.MarkupLineInterpolated($"malloc: {NativeAllocator.Describe()}; BLAS: {NativeBlas.Describe()}");
        }

        var summary = new EmbeddedTrainer(new TrainRequest(config, folder, resume is not null)
        {
            Progress = ProgressView.Display(progress),
            Curves = LearningCurves.Write,
        }).Run(cancellationToken);
        if (progress != ProgressMode.Quiet)
        {
            SummaryTable.Print(summary, folder);
        }

        return cancellationToken.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
    }
}
