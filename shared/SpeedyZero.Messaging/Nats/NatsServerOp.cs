namespace SpeedyZero.Messaging.Nats;

/// <summary>Kinds of operation a server sends.</summary>
public enum NatsOpKind
{
    Msg,
    Ping,
    Pong,
    Ok,
    Err,
    Info,
}

/// <summary>
/// One parsed server operation. For MSG/HMSG, <see cref="Payload"/> is a fresh copy and
/// <see cref="Size"/> counts header plus payload bytes; <see cref="Text"/> holds INFO JSON or the -ERR text.
/// </summary>
public readonly record struct NatsServerOp(
    NatsOpKind Kind,
    string? Subject = null,
    long Sid = 0,
    string? ReplyTo = null,
    NatsHeaders? Headers = null,
    ReadOnlyMemory<byte> Payload = default,
    string? Text = null,
    int Size = 0);
