using Spectre.Console;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Reporting.Runs;

/// <summary>The table <c>speedyzero train</c> prints when a run ends.</summary>
public static class SummaryTable
{
    public static void Print(TrainingSummary s, RunFolder folder)
    {
        var table = new Table().Title($"{s.Environment}, seed {s.Seed}").AddColumns("", "");
        table.AddRow("env steps", $"{s.EnvSteps:N0}");
        table.AddRow("learner steps", $"{s.LearnerSteps:N0}");
        table.AddRow("episodes", $"{s.Episodes:N0}");
        table.AddRow("wall clock", $"{TimeSpan.FromSeconds(s.WallClockSeconds):hh\\:mm\\:ss}");
        table.AddRow("final greedy return", $"{s.FinalReturnMean:0.##} ± {s.FinalReturnStd:0.##} ({s.FinalEpisodes} episodes)");
        table.AddRow("best greedy return", $"{s.BestReturnMean:0.##}");
        table.AddRow("random policy return", $"{s.RandomReturnMean:0.###} ({RandomPolicyReference.Episodes} episodes)");
        if (s.SolvedReturn is { } target)
        {
            table.AddRow($"first eval >= {target:0.##}", s.SolvedAtEnvSteps is { } at ? $"at {at:N0} env steps" : "not reached");
        }

        table.AddRow("actor paused / learner waited", $"{s.ActorPausedSeconds:0}s / {s.LearnerWaitSeconds:0}s");
        table.AddRow("outputs", Markup.Escape($"{folder.MetricsPath}\n{folder.CurvesPath}\n{folder.SummaryPath}\n{folder.CheckpointPath}/"));
        AnsiConsole.Write(table);
    }
}
