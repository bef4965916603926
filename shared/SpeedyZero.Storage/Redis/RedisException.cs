namespace SpeedyZero.Storage.Redis;

/// <summary>
/// A command failed. When the server answered with an error reply, <see cref="ServerMessage"/> holds its
/// text and <see cref="ErrorPrefix"/> its first word (ERR, WRONGTYPE, NOSCRIPT, ...).
/// </summary>
public class RedisException : Exception
{
    public RedisException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    private RedisException(string serverMessage, string prefix)
        : base($"redis server error: {serverMessage}")
    {
        ServerMessage = serverMessage;
        ErrorPrefix = prefix;
    }

    /// <summary>The server's error text, or null when the failure did not come from the server.</summary>
    public string? ServerMessage { get; }

    /// <summary>First word of the server's error (e.g. NOSCRIPT), or null.</summary>
    public string? ErrorPrefix { get; }

    /// <summary>Builds the exception for an error reply, keeping the server's own text.</summary>
    public static RedisException FromServer(string serverMessage)
    {
        var space = serverMessage.IndexOf(' ', StringComparison.Ordinal);
        return new RedisException(serverMessage, space < 0 ? serverMessage : serverMessage[..space]);
    }
}
