namespace SpeedyZero.Messaging.JetStream;

/// <summary>A stream's configuration as the server holds it, and its state.</summary>
public sealed record StreamInfo
{
    public required StreamConfig Config { get; init; }

    public StreamState State { get; init; } = new();

    public DateTimeOffset Created { get; init; }
}

/// <summary>Counts and sequence range of a stream.</summary>
public sealed record StreamState
{
    public long Messages { get; init; }

    public long Bytes { get; init; }

    public long FirstSeq { get; init; }

    public long LastSeq { get; init; }

    public int ConsumerCount { get; init; }
}
