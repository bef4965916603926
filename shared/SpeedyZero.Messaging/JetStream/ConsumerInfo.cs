namespace SpeedyZero.Messaging.JetStream;

/// <summary>A consumer's configuration and progress as the server reports them.</summary>
public sealed record ConsumerInfo
{
    public string StreamName { get; init; } = "";

    public string Name { get; init; } = "";

    public required ConsumerConfig Config { get; init; }

    public SequencePair Delivered { get; init; } = new();

    public SequencePair AckFloor { get; init; } = new();

    public long NumAckPending { get; init; }

    public long NumRedelivered { get; init; }

    public long NumWaiting { get; init; }

    /// <summary>Messages in the stream not yet delivered to this consumer.</summary>
    public long NumPending { get; init; }
}

/// <summary>A consumer sequence and the matching stream sequence.</summary>
public sealed record SequencePair
{
    public long ConsumerSeq { get; init; }

    public long StreamSeq { get; init; }
}
