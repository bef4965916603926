namespace SpeedyZero.Storage.Redis;

/// <summary>
/// The server refused the credentials (AUTH) or the TLS handshake failed. Never retried: another attempt
/// with the same settings would fail the same way.
/// </summary>
public sealed class RedisAuthenticationException(string message, string state, Exception? inner = null)
    : RedisConnectionException(message, state, inner);
