namespace SpeedyZero.Training.Plotting;

/// <summary>Draws several line charts on one image, in a grid, each with axes, ticks and a legend.</summary>
public static class ChartSheet
{
    private const int PanelWidth = 560;
    private const int PanelHeight = 360;
    private const int Left = 64, Right = 16, Top = 34, Bottom = 40;

    public static Raster Render(IReadOnlyList<LineChart> charts, int columns = 2)
    {
        ArgumentOutOfRangeException.ThrowIfZero(charts.Count);
        columns = Math.Min(columns, charts.Count);
        var rows = (charts.Count + columns - 1) / columns;
        var raster = new Raster(PanelWidth * columns, PanelHeight * rows, Rgb.White);
        for (var i = 0; i < charts.Count; i++)
        {
            DrawPanel(raster, (i % columns) * PanelWidth, (i / columns) * PanelHeight, charts[i]);
        }

        return raster;
    }

    private static void DrawPanel(Raster raster, int originX, int originY, LineChart chart)
    {
        int plotX = originX + Left, plotY = originY + Top;
        int plotWidth = PanelWidth - Left - Right, plotHeight = PanelHeight - Top - Bottom;

        raster.DrawText(originX + Left, originY + 10, chart.Title, Rgb.Black, 2);

        var points = chart.Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var ys = points.Select(p => p.Y).Concat(chart.References.Select(r => r.Y)).ToList();
        var (xMin, xMax, xTicks) = AxisTicks.Nice(points.Count > 0 ? points.Min(p => p.X) : 0, points.Count > 0 ? points.Max(p => p.X) : 1);
        var (yMin, yMax, yTicks) = AxisTicks.Nice(ys.Count > 0 ? ys.Min() : 0, ys.Count > 0 ? ys.Max() : 1);

        int ToX(double x) => plotX + (int)Math.Round((x - xMin) / (xMax - xMin) * plotWidth);
        int ToY(double y) => plotY + plotHeight - (int)Math.Round((y - yMin) / (yMax - yMin) * plotHeight);

        foreach (var tick in yTicks)
        {
            var y = ToY(tick);
            raster.DrawLine(plotX, y, plotX + plotWidth, y, Rgb.Grid);
            var label = AxisTicks.Label(tick);
            raster.DrawText(plotX - 6 - Raster.TextWidth(label), y - 3, label, Rgb.Axis);
        }

        foreach (var tick in xTicks)
        {
            var x = ToX(tick);
            raster.DrawLine(x, plotY, x, plotY + plotHeight, Rgb.Grid);
            var label = AxisTicks.Label(tick);
            raster.DrawText(x - Raster.TextWidth(label) / 2, plotY + plotHeight + 6, label, Rgb.Axis);
        }

        raster.DrawLine(plotX, plotY, plotX, plotY + plotHeight, Rgb.Axis);
        raster.DrawLine(plotX, plotY + plotHeight, plotX + plotWidth, plotY + plotHeight, Rgb.Axis);
        raster.DrawText(plotX + plotWidth - Raster.TextWidth(chart.XLabel), plotY + plotHeight + 20, chart.XLabel, Rgb.Axis);

        var legendY = plotY + 6;
        foreach (var reference in chart.References)
        {
            var y = ToY(reference.Y);
            for (var x = plotX; x < plotX + plotWidth; x += 8)
            {
                raster.DrawLine(x, y, Math.Min(x + 4, plotX + plotWidth), y, Rgb.Axis);
            }

            raster.DrawText(plotX + 6, y - 10, reference.Name, Rgb.Axis);
        }

        for (var s = 0; s < chart.Series.Count; s++)
        {
            var series = chart.Series[s];
            var colour = Rgb.Palette[s % Rgb.Palette.Length];
            var line = series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).OrderBy(p => p.X).ToList();
            for (var i = 1; i < line.Count; i++)
            {
                raster.DrawLine(ToX(line[i - 1].X), ToY(line[i - 1].Y), ToX(line[i].X), ToY(line[i].Y), colour, 2);
            }

            if (line.Count == 1)
            {
                raster.FillRectangle(ToX(line[0].X) - 2, ToY(line[0].Y) - 2, 5, 5, colour);
            }

        }

        // Legends last, on a white box, at the top right: one row per series.
        for (var s = 0; s < chart.Series.Count; s++)
        {
            var name = chart.Series[s].Name;
            var legendX = plotX + plotWidth - Raster.TextWidth(name) - 24;
            raster.FillRectangle(legendX - 3, legendY - 2, Raster.TextWidth(name) + 24, 11, Rgb.White);
            raster.FillRectangle(legendX, legendY + 2, 14, 3, Rgb.Palette[s % Rgb.Palette.Length]);
            raster.DrawText(legendX + 18, legendY, name, Rgb.Black);
            legendY += 12;
        }
    }
}
