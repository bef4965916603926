using System.Reflection;
using Spectre.Console;

namespace SpeedyZero.Bench;

/// <summary>Finds the suites in this assembly and runs one or all of them.</summary>
public static class BenchRunner
{
    public static IReadOnlyList<IBenchSuite> Suites { get; } = typeof(BenchRunner).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchSuite).IsAssignableFrom(t))
        .Select(t => (IBenchSuite)Activator.CreateInstance(t)!)
        .OrderBy(s => s.Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>Runs the named suite (or every suite when null); returns a process exit code.</summary>
    public static async Task<int> RunAsync(string? suiteName, string resultsDirectory, string command, CancellationToken cancellationToken)
    {
        var selected = suiteName is null
            ? Suites
            : Suites.Where(s => s.Name.Equals(suiteName, StringComparison.OrdinalIgnoreCase)).ToList();
        if (selected.Count == 0)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"[red]unknown bench suite '{suiteName}'[/]; known: {string.Join(", ", Suites.Select(s => s.Name))}");
            return 2;
        }

        foreach (var suite in selected)
        {
            AnsiConsole.MarkupLineInterpolated($"[bold]{suite.Name}[/]: {suite.Description}");
            var report = new BenchReport(suite.Name, command);
            await suite.RunAsync(report, cancellationToken);
            report.PrintTable();
            AnsiConsole.MarkupLineInterpolated($"  wrote [blue]{report.WriteJson(resultsDirectory)}[/]");
        }

        return 0;
    }
}
