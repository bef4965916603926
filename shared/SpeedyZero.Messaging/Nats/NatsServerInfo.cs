using System.Text.Json.Serialization;

namespace SpeedyZero.Messaging.Nats;

/// <summary>The fields of the server's INFO that the client uses.</summary>
public sealed record NatsServerInfo
{
    [JsonPropertyName("server_id")] public string ServerId { get; init; } = "";
    [JsonPropertyName("server_name")] public string ServerName { get; init; } = "";
    [JsonPropertyName("version")] public string Version { get; init; } = "";
    [JsonPropertyName("proto")] public int Proto { get; init; }
    [JsonPropertyName("max_payload")] public long MaxPayload { get; init; } = 1024 * 1024;
    [JsonPropertyName("headers")] public bool Headers { get; init; }
    [JsonPropertyName("auth_required")] public bool AuthRequired { get; init; }
    [JsonPropertyName("tls_required")] public bool TlsRequired { get; init; }
    [JsonPropertyName("tls_available")] public bool TlsAvailable { get; init; }
    [JsonPropertyName("jetstream")] public bool JetStream { get; init; }
    [JsonPropertyName("client_id")] public ulong ClientId { get; init; }
}
