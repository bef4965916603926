namespace SpeedyZero.Storage.Redis;

/// <summary>
/// The connection could not be opened or was lost. <see cref="State"/> describes the connection at the
/// moment of failure (endpoint, commands in flight, bytes moved) so timeouts and drops can be diagnosed.
/// Commands that were in flight when the connection dropped fail with this exception: their outcome on
/// the server is unknown.
/// </summary>
public class RedisConnectionException(string message, string state, Exception? inner = null)
    : RedisException($"{message} [{state}]", inner)
{
    /// <summary>Connection state at failure: endpoint, phase, in-flight count, byte counters.</summary>
    public string State { get; } = state;
}
