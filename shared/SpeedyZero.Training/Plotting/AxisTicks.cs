using System.Globalization;

namespace SpeedyZero.Training.Plotting;

/// <summary>Round-number axis ticks and compact labels (1.5K, 20K, 1M).</summary>
public static class AxisTicks
{
    /// <summary>Widens [min, max] to round numbers and returns the ticks inside, about <paramref name="target"/> of them.</summary>
    public static (double Min, double Max, double[] Ticks) Nice(double min, double max, int target = 5)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            (min, max) = (0, 1);
        }

        if (max - min < 1e-12)
        {
            var pad = Math.Max(Math.Abs(min) * 0.1, 1e-3);
            (min, max) = (min - pad, max + pad);
        }

        var rough = (max - min) / target;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = (rough / magnitude) switch
        {
            < 1.5 => 1,
            < 3 => 2,
            < 7 => 5,
            _ => 10,
        } * magnitude;

        var first = Math.Floor(min / step) * step;
        var last = Math.Ceiling(max / step) * step;
        var count = (int)Math.Round((last - first) / step) + 1;
        var ticks = new double[count];
        for (var i = 0; i < count; i++)
        {
            ticks[i] = first + i * step;
        }

        return (first, last, ticks);
    }

    public static string Label(double value)
    {
        var magnitude = Math.Abs(value);
        return magnitude switch
        {
            >= 1e6 => Compact(value / 1e6) + "M",
            >= 1e3 => Compact(value / 1e3) + "K",
            _ when magnitude < 1e-9 => "0",
            < 0.01 => value.ToString("0.##E0", CultureInfo.InvariantCulture),
            _ => Compact(value),
        };
    }

    private static string Compact(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
