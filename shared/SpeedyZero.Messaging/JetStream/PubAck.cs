namespace SpeedyZero.Messaging.JetStream;

/// <summary>The stream's acknowledgement of a publish; <see cref="Duplicate"/> when the Nats-Msg-Id was seen already.</summary>
public sealed record PubAck
{
    public string Stream { get; init; } = "";

    public long Seq { get; init; }

    public bool Duplicate { get; init; }
}
