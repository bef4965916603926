using System.CommandLine;
using SpeedyZero.Bench;

namespace SpeedyZero.Cli.Commands;

/// <summary><c>speedyzero bench [--suite NAME] [--out DIR]</c>.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var suite = new Option<string?>("--suite")
        {
            Description = $"Run only this suite ({string.Join(", ", BenchRunner.Suites.Select(s => s.Name))}); default: all.",
        };
        var output = new Option<string>("--out")
        {
            Description = "Folder for <suite>.json results.",
            DefaultValueFactory = _ => Path.Combine("bench", "results"),
        };
        var command = new Command("bench", "Run benchmark suites: prints a table per suite and writes <out>/<suite>.json.")
        {
            suite, output,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var invoked = "speedyzero " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            return BenchRunner.RunAsync(result.GetValue(suite), result.GetValue(output)!, invoked, cancellationToken);
        });
        return command;
    }
}
