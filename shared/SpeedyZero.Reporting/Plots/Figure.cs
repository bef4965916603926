using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Reporting.Plots;

/// <summary>Panels laid out two to a row on one PNG, and the look every panel shares.</summary>
public static class Figure
{
    public const int PanelWidth = 800;
    public const int PanelHeight = 500;
    public const int Columns = 2;

    // ScottPlot's sans-serif choice falls back to the first font SkiaSharp finds (DejaVu Serif on
    // Debian): name the sans-serif one fonts-dejavu-core installs, where it is.
    private static readonly string FontName =
        Fonts.GetTypeface("DejaVu Sans", bold: false, italic: false)?.FamilyName is "DejaVu Sans" ? "DejaVu Sans" : Fonts.Sans;

    /// <summary>Pixel size of a figure of <paramref name="panels"/> panels.</summary>
    public static (int Width, int Height) Size(int panels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(panels);
        var columns = Math.Min(Columns, panels);
        var rows = (panels + columns - 1) / columns;
        return (columns * PanelWidth, rows * PanelHeight);
    }

    /// <summary>An empty panel: title, axis labels, a sans-serif font, compact numbers on the x axis (20K, 1.5M steps).</summary>
    public static Plot Panel(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, 18);
        plot.XLabel(xLabel, 14);
        plot.YLabel(yLabel, 14);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { LabelFormatter = Compact };
        plot.Legend.FontSize = 13;
        return plot;
    }

    /// <summary>A named line through the finite points, in x order; null (nothing added) when there are none.</summary>
    public static ScottPlot.Plottables.Scatter? Line(Plot plot, string name, IEnumerable<(double X, double Y)> points, Color color,
        bool markers = false)
    {
        var line = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).OrderBy(p => p.X).ToArray();
        if (line.Length == 0) return null;
        var scatter = plot.Add.Scatter(line.Select(p => p.X).ToArray(), line.Select(p => p.Y).ToArray(), color);
        scatter.LegendText = name;
        scatter.LineWidth = 2;
        scatter.MarkerSize = markers || line.Length == 1 ? 6 : 0;
        return scatter;
    }

    /// <summary>A shaded band between the lows and highs of the finite points; null (nothing added) when there are none.</summary>
    public static ScottPlot.Plottables.FillY? Band(Plot plot, string name, IEnumerable<(double X, double Low, double High)> points, Color color)
    {
        var band = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Low) && double.IsFinite(p.High)).OrderBy(p => p.X).ToArray();
        if (band.Length == 0) return null;
        var fill = plot.Add.FillY(band.Select(p => p.X).ToArray(), band.Select(p => p.Low).ToArray(), band.Select(p => p.High).ToArray());
        fill.LegendText = name;
        fill.FillColor = color.WithAlpha(0.2);
        fill.LineWidth = 0;
        return fill;
    }

    /// <summary>A dashed horizontal line across the panel (a random-policy return, a solved target).</summary>
    /// <summary>Moves a line onto the panel's right axis, labelled, for a second quantity with its own scale.</summary>
    public static void OnRightAxis(Plot plot, ScottPlot.Plottables.Scatter line, string label)
    {
        line.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = label;
        plot.Axes.Right.Label.FontSize = 14;
    }

    public static void Reference(Plot plot, string name, double y, Color color) =>
        plot.Add.HorizontalLine(y, 1.5f, color, LinePattern.Dashed).LegendText = name;

    /// <summary>Says in the middle of the panel why it has no data (a run that has just started, an empty metrics file).</summary>
    public static void Message(Plot plot, string text)
    {
        var annotation = plot.Add.Annotation(text, Alignment.MiddleCenter);
        annotation.LabelFontSize = 16;
    }

    /// <summary>
    /// Renders the panels, two to a row, into a PNG of <see cref="Size"/>, each with its legend below
    /// the data (never over it). Writes a temporary file and renames it, so a reader never sees a
    /// half-written image while a run refreshes it.
    /// </summary>
    public static void Save(IReadOnlyList<Plot> panels, string path)
    {
        var (width, height) = Size(panels.Count);
        foreach (var panel in panels.Where(p => p.Legend.GetItems().Length > 0))
        {
            panel.ShowLegend(Edge.Bottom); // a legend panel with nothing in it blanks the whole figure
        }

        var multiplot = new Multiplot(panels[0]);
        foreach (var panel in panels.Skip(1)) multiplot.AddPlot(panel);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows: height / PanelHeight, columns: width / PanelWidth);
        // Rendered, encoded and written from Skia's native memory: ScottPlot's Image would hand the PNG
        // (hundreds of KB) over as a managed array, a large object per redraw (a run redraws every 30 s)
        // that stays until a full collection.
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"Skia could not make a {width}x{height} surface");
        multiplot.Render(surface.Canvas, new PixelRect(new PixelSize(width, height)));
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        RunFolder.WriteAtomically(path, stream => stream.Write(png.AsSpan()));
    }

    /// <summary>Tick labels of step counts: 250, 1.5K, 20K, 1M.</summary>
    public static string Compact(double value) => Math.Abs(value) switch
    {
        >= 1e6 => (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (value / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "K",
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };
}
