using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Rendering;
using SpeedyZero.Training.Progress;

namespace SpeedyZero.Reporting.Progress;

/// <summary>How <c>speedyzero train</c> shows progress (its <c>--progress</c> option).</summary>
public enum ProgressMode
{
    /// <summary>Live panel on a terminal, lines otherwise.</summary>
    Auto,

    /// <summary>A plain line every <see cref="ProgressView.LineEverySeconds"/>.</summary>
    Lines,

    /// <summary>Nothing.</summary>
    Quiet,
}

/// <summary>
/// What a person watching the run sees: a live panel on an interactive terminal, or one plain
/// line every few seconds when output goes to a log or a pipe.
/// </summary>
public static class ProgressView
{
    /// <summary>Seconds between two plain lines.</summary>
    public const double LineEverySeconds = 10;

    /// <summary>Whether output goes to a terminal that can redraw a live display (not a log file, a pipe or CI).</summary>
    public static bool IsLiveTerminal => AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;

    /// <summary>The display a training run is given for a mode; null for <see cref="ProgressMode.Quiet"/>.</summary>
    public static IProgressDisplay? Display(ProgressMode mode) => mode switch
    {
        ProgressMode.Auto when IsLiveTerminal => new LivePanel(),
        ProgressMode.Auto or ProgressMode.Lines => new PlainLines(),
        _ => null,
    };

    public static IRenderable Render(string title, ProgressSnapshot s)
    {
        var fraction = Math.Clamp((double)s.EnvSteps / s.TotalEnvSteps, 0, 1);
        var bar = new BreakdownChart().Width(60).HideTags()
            .AddItem("done", fraction * 100, Color.Green)
            .AddItem("left", (1 - fraction) * 100, Color.Grey23);

        var grid = new Grid().AddColumn().AddColumn().AddColumn().AddColumn();
        grid.AddRow("[grey]env steps[/]", $"{s.EnvSteps:N0} / {s.TotalEnvSteps:N0}", "[grey]learner steps[/]", $"{s.LearnerSteps:N0}");
        grid.AddRow("[grey]env steps/s[/]", $"{s.EnvStepsPerSecond:N0}", "[grey]learner steps/s[/]", $"{s.LearnerStepsPerSecond:N1}");
        grid.AddRow("[grey]episodes[/]", $"{s.Episodes:N0}", "[grey]self-play return[/]", Format(s.RecentReturn));
        grid.AddRow("[grey]eval return[/]", s.LastEvaluation is { } e ? $"{e.Mean:0.##} ± {e.StandardDeviation:0.##} @ {e.EnvSteps:N0}" : "-",
            "[grey]replay[/]", $"{s.ReplayTransitions:N0} transitions");
        if (s.Losses is { } l)
        {
            grid.AddRow("[grey]loss[/]", $"{l.Total:0.###}", "[grey]p / v / vp / c[/]",
                $"{l.Policy:0.###} / {l.Value:0.###} / {l.ValuePrefix:0.###} / {l.Consistency:0.###}");
        }

        grid.AddRow("[grey]batch queue[/]", $"{s.BatchQueue}", "[grey]actor paused / learner waited[/]",
            $"{s.ThrottledSeconds:0}s / {s.LearnerWaitSeconds:0}s");
        grid.AddRow("[grey]resident memory[/]", $"{s.Memory.ResidentBytes / 1048576.0:N0} MiB", "[grey]of it managed[/]",
            $"{s.Memory.ManagedBytes / 1048576.0:N0} MiB");

        return new Panel(new Rows(bar, grid)).Header($"[bold]{Markup.Escape(title)}[/] {TimeSpan.FromSeconds(s.ElapsedSeconds):hh\\:mm\\:ss}");
    }

    /// <summary>One line for logs.</summary>
    public static string Line(ProgressSnapshot s) =>
        $"[{TimeSpan.FromSeconds(s.ElapsedSeconds):hh\\:mm\\:ss}] env {s.EnvSteps:N0}/{s.TotalEnvSteps:N0} ({s.EnvStepsPerSecond:N0}/s) " +
        $"learner {s.LearnerSteps:N0} ({s.LearnerStepsPerSecond:N1}/s) return {Format(s.RecentReturn)} " +
        $"eval {(s.LastEvaluation is { } e ? $"{e.Mean:0.##}" : "-")} loss {(s.Losses is { } l ? l.Total.ToString("0.###") : "-")} " +
        $"memory {s.Memory.ResidentBytes / 1048576.0:N0} MiB (managed {s.Memory.ManagedBytes / 1048576.0:N0})";

    private static string Format(double value) => double.IsNaN(value) ? "-" : value.ToString("0.##");

    /// <summary>The panel, redrawn in place with every snapshot.</summary>
    private sealed class LivePanel : IProgressDisplay
    {
        public void Show(string title, ProgressSnapshot first, Action<Action<ProgressSnapshot>> watch) =>
            AnsiConsole.Live(Render(title, first)).Start(context => watch(s => context.UpdateTarget(Render(title, s))));
    }

    /// <summary>One <see cref="Line"/> every <see cref="LineEverySeconds"/>.</summary>
    private sealed class PlainLines : IProgressDisplay
    {
        public void Show(string title, ProgressSnapshot first, Action<Action<ProgressSnapshot>> watch)
        {
            var clock = Stopwatch.StartNew();
            var last = TimeSpan.Zero;
            watch(s =>
            {
                if (clock.Elapsed - last < TimeSpan.FromSeconds(LineEverySeconds)) return;
                last = clock.Elapsed;
                Console.WriteLine(Line(s));
            });
        }
    }
}
