using SpeedyZero.Messaging.Nats;

namespace SpeedyZero.Messaging.JetStream;

/// <summary>A JetStream API call answered with an error: HTTP-like code, JetStream error code and description.</summary>
public sealed class JetStreamApiException(int code, int errorCode, string description, string subject)
    : NatsException($"JetStream API error {code} (err_code {errorCode}) on '{subject}': {description}")
{
    /// <summary>HTTP-like status, e.g. 404 or 400.</summary>
    public int Code { get; } = code;

    /// <summary>JetStream's own error code, e.g. 10059 stream not found, 10014 consumer not found.</summary>
    public int ErrorCode { get; } = errorCode;

    public string Description { get; } = description;
}
