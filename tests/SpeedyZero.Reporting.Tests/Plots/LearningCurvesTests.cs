using System.Buffers.Binary;
using ScottPlot;
using ScottPlot.Plottables;
using SkiaSharp;
using SpeedyZero.Reporting.Plots;
using SpeedyZero.Reporting.Runs;
using SpeedyZero.Testing;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Reporting.Tests.Plots;

public class LearningCurvesTests
{
    private static readonly string[] Metrics =
    [
        "{\"time_s\":0.1,\"kind\":\"baseline\",\"episodes\":200,\"return_mean\":22.5,\"return_std\":11}",
        "{\"time_s\":5,\"kind\":\"progress\",\"env_steps\":400,\"learner_steps\":0,\"recent_return\":\"NaN\",\"env_steps_per_s\":80,\"learner_steps_per_s\":0}",
        "{\"time_s\":10,\"kind\":\"learner\",\"learner_steps\":10,\"env_steps\":800,\"loss_total\":3.5,\"loss_policy\":1.1,\"loss_value\":1.4,\"loss_value_prefix\":0.7,\"loss_consistency\":-0.3}",
        "{\"time_s\":11,\"kind\":\"progress\",\"env_steps\":900,\"learner_steps\":12,\"recent_return\":25,\"env_steps_per_s\":90,\"learner_steps_per_s\":2,\"replay_transitions\":900,\"resident_memory_bytes\":209715200,\"managed_memory_bytes\":52428800}",
        "{\"time_s\":12,\"kind\":\"eval\",\"learner_steps\":10,\"env_steps\":900,\"return_mean\":40,\"return_std\":12,\"episodes\":20}",
        "{\"time_s\":20,\"kind\":\"learner\",\"learner_steps\":20,\"env_steps\":1600,\"loss_total\":2.5,\"loss_policy\":0.9,\"loss_value\":1.0,\"loss_value_prefix\":0.5,\"loss_consistency\":-0.2}",
        "{\"time_s\":21,\"kind\":\"progress\",\"env_steps\":1700,\"learner_steps\":22,\"recent_return\":60,\"env_steps_per_s\":85,\"learner_steps_per_s\":2.5,\"replay_transitions\":0,\"resident_memory_bytes\":220200960,\"managed_memory_bytes\":62914560}",
        "{\"time_s\":22,\"kind\":\"eval\",\"learner_steps\":20,\"env_steps\":1700,\"return_mean\":120,\"return_std\":30,\"episodes\":20}",
    ];

    private static IReadOnlyList<MetricsRecord> Records(IEnumerable<string> lines)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("speedyzero-tests").FullName, "metrics.jsonl");
        File.WriteAllLines(path, lines);
        return MetricsLog.Read(path);
    }

    private static string[] Legend(Plot panel) => panel.Legend.GetItems().Select(item => item.LabelText).ToArray();

    private static string Title(Plot panel) => panel.Axes.Title.Label.Text;

    [Fact]
    public void Curves_png_is_a_png_of_the_figure_size()
    {
        var folder = new RunFolder(Directory.CreateTempSubdirectory("speedyzero-tests").FullName);
        File.WriteAllLines(folder.MetricsPath, Metrics);
        var config = ConfigLoader.Load("cartpole", null, new Dictionary<string, string>(), []);

        LearningCurves.Write(folder, config);

        AssertPng(folder.CurvesPath, Figure.Size(5));
        Assert.Equal((1600, 1500), Figure.Size(5));
        Assert.False(File.Exists(folder.CurvesPath + ".tmp"), "the temporary file was renamed");
    }

    [Fact]
    public void Redrawing_curves_png_allocates_no_large_array()
    {
        // A run redraws it every 30 s: a large array per redraw would pile up until a full collection.
        var folder = new RunFolder(Directory.CreateTempSubdirectory("speedyzero-tests").FullName);
        File.WriteAllLines(folder.MetricsPath, Metrics);
        var config = ConfigLoader.Load("cartpole", null, new Dictionary<string, string>(), []);
        LearningCurves.Write(folder, config); // first use: fonts, caches

        var large = LargeAllocations.During(() =>
        {
            for (var i = 0; i < 3; i++) LearningCurves.Write(folder, config);
        });

        Assert.Empty(large);
        Assert.NotEmpty(LargeAllocations.During(() => GC.KeepAlive(new byte[500_000]))); // what it would catch
    }

    [Fact]
    public void The_return_panel_shows_evaluations_with_their_spread_self_play_and_the_references()
    {
        var panels = LearningCurves.Panels(Records(Metrics), "CartPole-v1", solvedReturn: 475);

        Assert.Equal(["CartPole-v1: return", "loss (total)", "loss components", "throughput", "memory"], panels.Select(Title));
        var returns = panels[0];
        Assert.Equal(["± 1 std across episodes", "greedy eval (mean)", "self-play (mean of last 20)", "random policy 22.5", "target 475"], Legend(returns));
        var band = Assert.Single(returns.GetPlottables<FillY>());
        Assert.Equal(new AxisLimits(900, 1700, 40 - 12, 120 + 30), band.GetAxisLimits());
        Assert.Equal([22.5, 475], returns.GetPlottables<HorizontalLine>().Select(l => l.Y));
        Assert.Empty(returns.GetPlottables<Annotation>());

        // Self-play starts at the first progress record with a finite return (the first one is NaN).
        var selfPlay = returns.GetPlottables<Scatter>().Single(s => s.LegendText.StartsWith("self-play"));
        Assert.Equal([new Coordinates(900, 25), new Coordinates(1700, 60)], selfPlay.Data.GetScatterPoints());
    }

    [Fact]
    public void The_spread_band_is_drawn_only_where_evaluations_recorded_one()
    {
        var withoutSpread = Metrics.Select(line => line.Replace(",\"return_std\":12", "").Replace(",\"return_std\":30", ""));

        var returns = LearningCurves.Panels(Records(withoutSpread), "CartPole-v1", solvedReturn: null)[0];

        Assert.Empty(returns.GetPlottables<FillY>());
        Assert.Equal(["greedy eval (mean)", "self-play (mean of last 20)", "random policy 22.5"], Legend(returns));
    }

    [Fact]
    public void Losses_and_throughput_have_a_line_each()
    {
        var panels = LearningCurves.Panels(Records(Metrics), "CartPole-v1", solvedReturn: 475);

        Assert.Equal(["total"], Legend(panels[1]));
        Assert.Equal(["policy", "value", "value prefix", "consistency"], Legend(panels[2]));
        Assert.Equal(["env steps/s (left axis)", "learner steps/s (right axis)"], Legend(panels[3]));
        var learner = panels[3].GetPlottables<Scatter>().Single(s => s.LegendText.StartsWith("learner"));
        Assert.Same(panels[3].Axes.Right, learner.Axes.YAxis);
        Assert.Equal([0, 2, 2.5], learner.Data.GetScatterPoints().Select(p => p.Y));
    }

    [Fact]
    public void The_memory_panel_shows_resident_memory_in_MiB_beside_the_replay_size()
    {
        var memory = LearningCurves.Panels(Records(Metrics), "CartPole-v1", solvedReturn: 475)[4];

        Assert.Equal(["resident memory (left axis)", "of it managed (left axis)", "replay transitions (right axis)"], Legend(memory));
        var resident = memory.GetPlottables<Scatter>().Single(s => s.LegendText.StartsWith("resident"));
        Assert.Equal([new Coordinates(900, 200), new Coordinates(1700, 210)], resident.Data.GetScatterPoints());
        var managed = memory.GetPlottables<Scatter>().Single(s => s.LegendText.StartsWith("of it managed"));
        Assert.Equal([new Coordinates(900, 50), new Coordinates(1700, 60)], managed.Data.GetScatterPoints());
        // A replay size of 0 (a cluster learner's, which cannot see the replay) is not drawn.
        var replay = memory.GetPlottables<Scatter>().Single(s => s.LegendText.StartsWith("replay"));
        Assert.Same(memory.Axes.Right, replay.Axes.YAxis);
        Assert.Equal([new Coordinates(900, 900)], replay.Data.GetScatterPoints());
    }

    [Fact]
    public void Empty_metrics_give_a_figure_whose_panels_say_what_is_missing()
    {
        var folder = new RunFolder(Directory.CreateTempSubdirectory("speedyzero-tests").FullName);
        File.WriteAllText(folder.MetricsPath, "");

        var panels = LearningCurves.Panels(MetricsLog.Read(folder.MetricsPath), "Catch", solvedReturn: null);

        Assert.All(panels, panel => Assert.Empty(panel.Legend.GetItems()));
        Assert.Equal(["no evaluations or episodes yet", "no learner steps yet", "no learner steps yet", "no progress records yet", "no memory records yet"],
            panels.Select(panel => Assert.Single(panel.GetPlottables<Annotation>()).Text));
        LearningCurves.Write(folder, ConfigLoader.Load("catch", null, new Dictionary<string, string>(), []));
        AssertPng(folder.CurvesPath, Figure.Size(5));
    }

    [Fact]
    public void The_report_plot_has_a_panel_per_run_in_the_order_given()
    {
        var solved = new RunReport("a", "CartPole-v1", 0, 20_000, 20_000, 600,
            [new EvaluationPoint(5_000, 500, 200, 50, 20), new EvaluationPoint(10_000, 1_000, 480, 20, 20)], 22.5, 475);
        var started = new RunReport("b", "Breakout-MinAtar", 3, 100, 1_000_000, 5, [], 0.35, null);
        var image = Path.Combine(Directory.CreateTempSubdirectory("speedyzero-tests").FullName, "report.png");

        var panels = LearningCurves.Comparison([solved, started]);
        LearningCurves.WriteComparison([solved, started, started], image);

        Assert.Equal(["CartPole-v1, seed 0", "Breakout-MinAtar, seed 3"], panels.Select(Title));
        Assert.Equal(["± 1 std across episodes", "greedy eval (mean)", "random policy 22.5", "target 475"], Legend(panels[0]));
        Assert.Equal(["random policy 0.35"], Legend(panels[1]));
        Assert.Equal("no evaluations yet", Assert.Single(panels[1].GetPlottables<Annotation>()).Text);
        AssertPng(image, (1600, 1000));
    }

    [Fact]
    public void A_MinAtar_run_is_drawn_against_both_published_baselines()
    {
        var run = new RunReport("c", "space_invaders", 0, 500_000, 500_000, 9_000, [new EvaluationPoint(100_000, 10_000, 60, 20, 30)], 2.9, null);

        var panel = Assert.Single(LearningCurves.Comparison([run]));

        Assert.Equal(["± 1 std across episodes", "greedy eval (mean)", "random policy 2.9", "DQN at 5M frames ~43", "AC(lambda) at 5M frames ~185"],
            Legend(panel));
        Assert.Equal([2.9, 43, 185], panel.GetPlottables<HorizontalLine>().Select(l => l.Y));
    }

    [Fact]
    public void A_figure_is_two_panels_wide_at_most()
    {
        Assert.Equal((Figure.PanelWidth, Figure.PanelHeight), Figure.Size(1));
        Assert.Equal((2 * Figure.PanelWidth, 2 * Figure.PanelHeight), Figure.Size(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Figure.Size(0));
    }

    [Theory]
    [InlineData(250, "250")]
    [InlineData(1_500, "1.5K")]
    [InlineData(20_000, "20K")]
    [InlineData(1_000_000, "1M")]
    [InlineData(-2_500, "-2.5K")]
    [InlineData(0.5, "0.5")]
    public void Step_counts_are_labelled_compactly(double value, string expected) => Assert.Equal(expected, Figure.Compact(value));

    // The PNG signature, an IHDR chunk first with the expected size, and an image that decodes (checksums included) to that size.
    private static void AssertPng(string path, (int Width, int Height) size)
    {
        var png = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal(13, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(8)));
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(size, (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));

        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal(size, (bitmap.Width, bitmap.Height));
    }
}
