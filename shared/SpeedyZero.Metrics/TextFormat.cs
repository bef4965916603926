using System.Globalization;
using System.Text;

namespace SpeedyZero.Metrics;

/// <summary>Pieces of the Prometheus text format 0.0.4: escaping and number formatting.</summary>
public static class TextFormat
{
    /// <summary>Content type of a 0.0.4 exposition.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Shortest round-trip form; NaN, +Inf and -Inf spelled as Prometheus expects.</summary>
    public static string FormatValue(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>HELP text: backslash and newline escaped.</summary>
    public static void AppendHelp(StringBuilder output, string help)
    {
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => output.Append(@"\\"),
                '\n' => output.Append(@"\n"),
                _ => output.Append(c),
            };
        }
    }

    /// <summary>Label value: backslash, double quote and newline escaped.</summary>
    public static void AppendLabelValue(StringBuilder output, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => output.Append(@"\\"),
                '"' => output.Append("\\\""),
                '\n' => output.Append(@"\n"),
                _ => output.Append(c),
            };
        }
    }

    /// <summary><c>{a="x",b="y"}</c>, with an optional extra label (le) last; nothing when there are no labels.</summary>
    internal static void AppendLabels(StringBuilder output, IReadOnlyList<string> names, IReadOnlyList<string> values, string? extraName = null, string? extraValue = null)
    {
        if (names.Count == 0 && extraName is null)
        {
            return;
        }

        output.Append('{');
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                output.Append(',');
            }

            output.Append(names[i]).Append("=\"");
            AppendLabelValue(output, values[i]);
            output.Append('"');
        }

        if (extraName is not null)
        {
            if (names.Count > 0)
            {
                output.Append(',');
            }

            output.Append(extraName).Append("=\"");
            AppendLabelValue(output, extraValue!);
            output.Append('"');
        }

        output.Append('}');
    }
}
