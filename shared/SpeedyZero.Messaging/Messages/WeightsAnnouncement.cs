namespace SpeedyZero.Messaging.Messages;

/// <summary>
/// "New weights are in Redis" from the learner (envelope kind 4, schema version 1). The blob itself
/// stays in Redis; readers fetch it by key and check length and checksum.
/// </summary>
public sealed record WeightsAnnouncement
{
    public const int SchemaVersion = 1;

    /// <summary>Field 2: weights version, increasing.</summary>
    public required long Version { get; init; }

    /// <summary>Field 3: Redis key holding the weights blob.</summary>
    public required string RedisKey { get; init; }

    /// <summary>Field 4: byte length of the blob.</summary>
    public required long ByteLength { get; init; }

    /// <summary>Field 5: SHA-256 of the blob (32 bytes).</summary>
    public required byte[] Sha256 { get; init; }

    /// <summary>Field 6: learner step the weights come from.</summary>
    public long LearnerStep { get; init; }

    /// <summary>Field 7: when they were published.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
