namespace SpeedyZero.Messaging.JetStream;

/// <summary>A durable pull consumer's configuration (the subset the roles use).</summary>
public sealed record ConsumerConfig
{
    public required string DurableName { get; init; }

    public AckPolicy AckPolicy { get; init; } = AckPolicy.Explicit;

    /// <summary>Time after delivery without an ack before the message is delivered again.</summary>
    public TimeSpan AckWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries before the server gives up on a message; -1 is unlimited.</summary>
    public int MaxDeliver { get; init; } = -1;

    /// <summary>Delivered-but-unacknowledged messages allowed at once.</summary>
    public int MaxAckPending { get; init; } = 1000;

    public DeliverPolicy DeliverPolicy { get; init; } = DeliverPolicy.All;

    public string? FilterSubject { get; init; }
}
