namespace SpeedyZero.Messaging.JetStream;

/// <summary>A stream's configuration (the subset the roles use). -1 means unlimited.</summary>
public sealed record StreamConfig
{
    public required string Name { get; init; }

    public IReadOnlyList<string> Subjects { get; init; } = [];

    public RetentionPolicy Retention { get; init; } = RetentionPolicy.Limits;

    public StorageType Storage { get; init; } = StorageType.File;

    public long MaxMsgs { get; init; } = -1;

    public long MaxBytes { get; init; } = -1;

    /// <summary>Messages kept per subject (e.g. 1 keeps only the latest weights announcement).</summary>
    public long MaxMsgsPerSubject { get; init; } = -1;

    /// <summary>Oldest message age kept; zero keeps forever.</summary>
    public TimeSpan MaxAge { get; init; }

    public int MaxMsgSize { get; init; } = -1;

    public DiscardPolicy Discard { get; init; } = DiscardPolicy.Old;

    /// <summary>Window in which a repeated Nats-Msg-Id is recognised as a duplicate.</summary>
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromMinutes(2);

    public int NumReplicas { get; init; } = 1;
}
