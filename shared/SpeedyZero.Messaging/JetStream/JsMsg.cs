using System.Globalization;
using System.Text;
using SpeedyZero.Messaging.Nats;

namespace SpeedyZero.Messaging.JetStream;

/// <summary>
/// A message delivered by a pull consumer, with its delivery metadata (parsed from the
/// $JS.ACK reply subject) and the acknowledgement verbs.
/// </summary>
public sealed class JsMsg
{
    private readonly NatsConnection _connection;

    internal JsMsg(NatsConnection connection, NatsMsg message)
    {
        _connection = connection;
        Message = message;
        var reply = message.ReplyTo ?? throw new NatsProtocolException($"JetStream message on '{message.Subject}' has no ack subject");
        var tokens = reply.Split('.');
        // $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending> (9 tokens), or with
        // domain and account hash in front of the stream (12 tokens, newer servers).
        var at = tokens.Length switch
        {
            9 => 2,
            >= 11 => 4,
            _ => throw new NatsProtocolException($"unexpected JetStream ack subject '{reply}'"),
        };
        if (tokens[0] != "$JS" || tokens[1] != "ACK")
        {
            throw new NatsProtocolException($"unexpected JetStream ack subject '{reply}'");
        }

        Stream = tokens[at];
        Consumer = tokens[at + 1];
        Delivered = long.Parse(tokens[at + 2], CultureInfo.InvariantCulture);
        StreamSequence = long.Parse(tokens[at + 3], CultureInfo.InvariantCulture);
        ConsumerSequence = long.Parse(tokens[at + 4], CultureInfo.InvariantCulture);
        Timestamp = DateTimeOffset.UnixEpoch.AddTicks(long.Parse(tokens[at + 5], CultureInfo.InvariantCulture) / 100);
        Pending = long.Parse(tokens[at + 6], CultureInfo.InvariantCulture);
    }

    public NatsMsg Message { get; }

    public string Subject => Message.Subject;

    public ReadOnlyMemory<byte> Data => Message.Data;

    public NatsHeaders? Headers => Message.Headers;

    public string Stream { get; }

    public string Consumer { get; }

    /// <summary>How many times this message has been delivered (1 on first delivery).</summary>
    public long Delivered { get; }

    public long StreamSequence { get; }

    public long ConsumerSequence { get; }

    public DateTimeOffset Timestamp { get; }

    /// <summary>Messages left for the consumer after this one.</summary>
    public long Pending { get; }

    /// <summary>Acknowledges (fire-and-forget).</summary>
    public ValueTask AckAsync(CancellationToken cancellationToken = default) => Send("+ACK"u8.ToArray(), cancellationToken);

    /// <summary>Acknowledges and waits for the server to confirm it recorded the ack.</summary>
    public async Task AckSyncAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await _connection.RequestAsync(Message.ReplyTo!, "+ACK"u8.ToArray(), timeout: timeout, cancellationToken: cancellationToken);

    /// <summary>Negative ack: deliver again, after <paramref name="delay"/> when given.</summary>
    public ValueTask NakAsync(TimeSpan? delay = null, CancellationToken cancellationToken = default) =>
        Send(delay is null ? "-NAK"u8.ToArray() : Encoding.ASCII.GetBytes($"-NAK {{\"delay\":{delay.Value.Ticks * 100}}}"), cancellationToken);

    /// <summary>Never deliver this message again.</summary>
    public ValueTask TermAsync(CancellationToken cancellationToken = default) => Send("+TERM"u8.ToArray(), cancellationToken);

    /// <summary>Work in progress: restarts the ack-wait timer.</summary>
    public ValueTask InProgressAsync(CancellationToken cancellationToken = default) => Send("+WPI"u8.ToArray(), cancellationToken);

    private ValueTask Send(byte[] body, CancellationToken cancellationToken) =>
        _connection.PublishAsync(Message.ReplyTo!, body, cancellationToken: cancellationToken);
}
