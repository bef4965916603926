using System.CommandLine;
using Spectre.Console;
using SpeedyZero.Reporting.Plots;
using SpeedyZero.Reporting.Runs;
using SpeedyZero.Training.Config;
using SpeedyZero.Cluster.Hosting;

namespace SpeedyZero.Cli.Commands;

/// <summary>
/// <c>speedyzero report --run DIR [--run DIR ...] [--plot FILE]</c>: runs side by side, finished or
/// not: how far each got, its last and best greedy return, its random-policy return and, where the
/// environment has a solved return, when an evaluation first reached it.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var runs = new Option<string[]>("--run") { Description = "A run folder (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
        var plot = new Option<string?>("--plot") { Description = "Also draw each run's greedy returns against its random-policy return into this PNG, one panel per run in the order given." };
        var command = new Command("report", "Compare run folders: progress, last and best greedy return, random-policy return; optionally one plot of them all.")
        {
            runs, plot,
        };
        command.SetAction(result =>
        {
            var reports = new List<RunReport>();
            foreach (var directory in result.GetValue(runs) ?? [])
            {
                try
                {
                    reports.Add(RunReport.Read(directory));
                }
                catch (Exception e) when (e is ArgumentException or ConfigException)
                {
                    Console.Error.WriteLine($"speedyzero report: {e.Message}");
                    return ExitCodes.Usage;
                }
            }

            Print(reports);
            if (result.GetValue(plot) is { } image)
            {
                LearningCurves.WriteComparison(reports, image);
                Console.WriteLine($"plot: {Path.GetFullPath(image)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(IReadOnlyList<RunReport> reports)
    {
        var table = new Table().AddColumns("run", "environment", "env steps", "last greedy return", "best greedy return", "random policy", "first eval >= target", "wall clock");
        foreach (var r in reports)
        {
            var elapsed = TimeSpan.FromSeconds(r.ElapsedSeconds);
            table.AddRow(
                Markup.Escape(Path.GetFileName(r.Folder)),
                Markup.Escape($"{r.Environment}, seed {r.Seed}"),
                $"{r.EnvSteps:N0} of {r.PlannedEnvSteps:N0}",
                r.Last is { } last ? $"{last.Mean:0.##} ± {last.StandardDeviation:0.##} at {last.EnvSteps:N0}" : "-",
                r.Best is { } best ? $"{best.Mean:0.##} at {best.EnvSteps:N0}" : "-",
                $"{r.RandomReturn:0.###}",
                r.SolvedReturn is not { } target ? "-" : r.FirstSolved is { } solved ? $">= {target:0.##} at {solved.EnvSteps:N0}" : $"{target:0.##} not reached",
                $"{(int)elapsed.TotalHours}:{elapsed:mm\\:ss}");
        }

        // Written to a file or a pipe, the console width is unknown (80): give the eight columns room.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
        AnsiConsole.Write(table);
    }
}
