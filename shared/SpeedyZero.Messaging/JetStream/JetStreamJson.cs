using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpeedyZero.Messaging.JetStream;

/// <summary>JSON settings of the JetStream API: snake_case names, durations in nanoseconds, nulls omitted.</summary>
internal static class JetStreamJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new NanosecondsConverter() },
    };
}
