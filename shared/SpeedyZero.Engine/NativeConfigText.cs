using System.Globalization;
using System.Text;

namespace SpeedyZero.Engine;

/// <summary>Writes the native engine's "key=value" configuration lines, culture-invariant.</summary>
internal sealed class NativeConfigText
{
    private readonly StringBuilder text = new();

    public void Line(string key, string value) => text.Append(key).Append('=').Append(value).Append('\n');

    public void Line(string key, long value) => Line(key, value.ToString(CultureInfo.InvariantCulture));

    // "R" round-trips, so the native side parses exactly the double the record holds.
    public void Line(string key, double value) => Line(key, value.ToString("R", CultureInfo.InvariantCulture));

    public void Line(string key, bool value) => Line(key, value ? "true" : "false");

    public override string ToString() => text.ToString();
}
