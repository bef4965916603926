namespace SpeedyZero.Messaging.Nats;

/// <summary>Base of every failure the NATS client raises, so callers can catch one type.</summary>
public class NatsException : Exception
{
    public NatsException(string message) : base(message) { }

    public NatsException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>The server refused the credentials (user/password or token) at CONNECT.</summary>
public sealed class NatsAuthException(string message) : NatsException(message);

/// <summary>An operation did not finish in time; the message carries the connection state.</summary>
public sealed class NatsTimeoutException(string message) : NatsException(message);

/// <summary>The server sent bytes that are not valid NATS protocol, or a protocol -ERR.</summary>
public sealed class NatsProtocolException(string message) : NatsException(message);

/// <summary>A message is larger than the server's max_payload.</summary>
public sealed class NatsMaxPayloadException(long size, long maxPayload)
    : NatsException($"message of {size} bytes exceeds the server's max_payload of {maxPayload} bytes; split it (SpeedyZero.Messaging.Chunking)")
{
    public long Size { get; } = size;

    public long MaxPayload { get; } = maxPayload;
}

/// <summary>The connection is closed (disposed, or reconnect attempts exhausted).</summary>
public sealed class NatsConnectionClosedException(string message, Exception? inner = null) : NatsException(message, inner);

/// <summary>Publishes buffered while disconnected would exceed the reconnect buffer.</summary>
public sealed class NatsReconnectBufferFullException(string message) : NatsException(message);

/// <summary>A request reached no subscriber (server status 503).</summary>
public sealed class NatsNoRespondersException(string subject) : NatsException($"no responders on '{subject}'")
{
    public string Subject { get; } = subject;
}
