using System.Globalization;
using System.Text;

namespace SpeedyZero.Engine;

/// <summary>Writes the native engine's "key=value" configuration lines, culture-invariant.</summary>
internal static class NativeConfigText
{
    public static void Line(StringBuilder text, string key, string value) => text.Append(key).Append('=').Append(value).Append('\n');

    public static void Line(StringBuilder text, string key, int value) => Line(text, key, value.ToString(CultureInfo.InvariantCulture));

    // "R" round-trips, so the native side parses exactly the double the record holds.
    public static void Line(StringBuilder text, string key, double value) => Line(text, key, value.ToString("R", CultureInfo.InvariantCulture));

    public static void Line(StringBuilder text, string key, bool value) => Line(text, key, value ? "true" : "false");
}
