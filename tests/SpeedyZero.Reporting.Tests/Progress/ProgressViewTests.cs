using SpeedyZero.Engine;
using SpeedyZero.Reporting.Progress;
using SpeedyZero.Training.Progress;

namespace SpeedyZero.Reporting.Tests.Progress;

public class ProgressViewTests
{
    private static ProgressSnapshot Snapshot(EvaluationResult? evaluation) => new(3725, 25_000, 100_000, 2_500, 120, double.NaN, 410, 3.5,
        24_000, 2, 0, 0, 0, new TrainResult(1.25, 0.5, 0.5, 0.2, 0.05, 1, 0.1, 2_500), evaluation, new ProcessMemory(734_003_200, 209_715_200));

    [Fact]
    public void The_log_line_says_how_far_the_run_got()
    {
        var line = ProgressView.Line(Snapshot(new EvaluationResult(2_000, 20_000, [10, 20])));

        Assert.StartsWith("[01:02:05] env 25,000/100,000 (410/s) learner 2,500 (3.5/s)", line);
        Assert.Contains("return - eval 15 loss 1.25 memory 700 MiB (managed 200)", line); // no self-play episode yet: "-", not NaN
        Assert.Contains("eval -", ProgressView.Line(Snapshot(null)));
    }

    [Fact]
    public void Quiet_runs_get_no_display()
    {
        Assert.Null(ProgressView.Display(ProgressMode.Quiet));
        Assert.NotNull(ProgressView.Display(ProgressMode.Lines));
    }

    [Fact]
    public void The_line_display_prints_nothing_before_its_first_interval()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            var shown = 0;
            ProgressView.Display(ProgressMode.Lines)!.Show("run", Snapshot(null), show =>
            {
                for (var i = 0; i < 5; i++, shown++) show(Snapshot(null));
            });
            Assert.Equal(5, shown);
        }
        finally
        {
            Console.SetOut(original);
        }

        // Five snapshots in well under ProgressView.LineEverySeconds: a log gets a line per interval, not one per snapshot.
        Assert.Equal("", output.ToString());
    }
}
