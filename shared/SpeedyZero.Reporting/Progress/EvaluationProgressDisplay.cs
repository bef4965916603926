using System.Diagnostics;
using Spectre.Console;
using SpeedyZero.Training.Roles.Evaluator;

namespace SpeedyZero.Reporting.Progress;

/// <summary>
/// Shows a greedy evaluation while it plays: a bar of ended episodes on a terminal, a line every 10 seconds in a
/// log. An evaluation lasts as long as its longest episode, which in a game without a step limit can be many minutes.
/// </summary>
public static class EvaluationProgressDisplay
{
    public static T Show<T>(string title, Func<IProgress<EvaluationProgress>, T> evaluate)
    {
        if (!ProgressView.IsLiveTerminal)
        {
            // The result line follows the last report at once, so a log skips it.
            return evaluate(new Throttled(TimeSpan.FromSeconds(10), showLast: false,
                (elapsed, p) => Console.WriteLine($"[{elapsed:hh\\:mm\\:ss}] {Describe(title, p)}")));
        }

        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title));
                return evaluate(new Throttled(TimeSpan.FromMilliseconds(200), showLast: true, (_, p) =>
                {
                    task.MaxValue = p.Episodes;
                    task.Value = p.Finished;
                    task.Description = Markup.Escape(Describe(title, p));
                }));
            });
    }

    private static string Describe(string title, EvaluationProgress p) =>
        $"{title}: step {p.Steps:N0}, {p.Finished} of {p.Episodes} episodes ended";

    // The evaluator reports every lock-step; the display takes one report per interval, and the last one if asked
    // (a bar must reach its end).
    private sealed class Throttled(TimeSpan every, bool showLast, Action<TimeSpan, EvaluationProgress> show) : IProgress<EvaluationProgress>
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private TimeSpan last;

        public void Report(EvaluationProgress value)
        {
            var isLast = value.Finished == value.Episodes;
            if (isLast ? !showLast : clock.Elapsed - last < every) return;
            last = clock.Elapsed;
            show(last, value);
        }
    }
}
