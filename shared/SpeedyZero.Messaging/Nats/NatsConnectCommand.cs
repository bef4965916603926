using System.Text.Json.Serialization;

namespace SpeedyZero.Messaging.Nats;

/// <summary>The CONNECT JSON: verbose and pedantic off, headers and no_responders on.</summary>
internal sealed record NatsConnectCommand
{
    [JsonPropertyName("verbose")] public bool Verbose { get; init; }
    [JsonPropertyName("pedantic")] public bool Pedantic { get; init; }
    [JsonPropertyName("tls_required")] public bool TlsRequired { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("lang")] public string Lang { get; init; } = "csharp-speedyzero";
    [JsonPropertyName("version")] public string Version { get; init; } = "1.0.0";
    [JsonPropertyName("protocol")] public int Protocol { get; init; } = 1;
    [JsonPropertyName("echo")] public bool Echo { get; init; } = true;
    [JsonPropertyName("headers")] public bool Headers { get; init; } = true;
    [JsonPropertyName("no_responders")] public bool NoResponders { get; init; } = true;

    [JsonPropertyName("user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? User { get; init; }

    [JsonPropertyName("pass"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pass { get; init; }

    [JsonPropertyName("auth_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AuthToken { get; init; }
}
