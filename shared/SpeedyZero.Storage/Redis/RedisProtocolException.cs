namespace SpeedyZero.Storage.Redis;

/// <summary>
/// The server's bytes broke the RESP grammar or a configured limit. <see cref="Offset"/> is the byte offset
/// in the connection's input stream where the bad token starts. The connection is dropped.
/// </summary>
public sealed class RedisProtocolException(string message, long offset)
    : RedisException($"RESP protocol error at input byte {offset}: {message}")
{
    /// <summary>Offset of the offending token in the connection's input stream.</summary>
    public long Offset { get; } = offset;
}
