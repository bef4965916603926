namespace SpeedyZero.Engine;

/// <summary>The error of an invalid config field, named by its configuration key (<c>model.grad_clip</c>).</summary>
internal static class ConfigError
{
    public static ArgumentOutOfRangeException Of(string key, object value, string why) => new(key, value, $"{key} {why}");
}
