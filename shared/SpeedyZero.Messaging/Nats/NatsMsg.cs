namespace SpeedyZero.Messaging.Nats;

/// <summary>A received message. <see cref="Data"/> is this message's own copy of the payload.</summary>
public sealed class NatsMsg
{
    internal NatsMsg(NatsConnection? connection, string subject, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> data)
    {
        Connection = connection;
        Subject = subject;
        ReplyTo = replyTo;
        Headers = headers;
        Data = data;
    }

    public string Subject { get; }

    public string? ReplyTo { get; }

    public NatsHeaders? Headers { get; }

    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Header status (503, 100, 404, 408, 409...); 0 for a plain message.</summary>
    public int Status => Headers?.Status ?? 0;

    internal NatsConnection? Connection { get; }

    /// <summary>Publishes <paramref name="data"/> to this message's reply subject.</summary>
    public ValueTask ReplyAsync(ReadOnlyMemory<byte> data, NatsHeaders? headers = null, CancellationToken cancellationToken = default)
    {
        if (ReplyTo is null || Connection is null)
        {
            throw new InvalidOperationException($"message on '{Subject}' has no reply subject");
        }

        return Connection.PublishAsync(ReplyTo, data, headers, cancellationToken: cancellationToken);
    }
}
