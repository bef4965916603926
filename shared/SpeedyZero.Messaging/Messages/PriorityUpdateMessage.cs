namespace SpeedyZero.Messaging.Messages;

/// <summary>New priorities from the learner or a refresh sweep (envelope kind 3, schema version 1).</summary>
public sealed record PriorityUpdateMessage
{
    public const int SchemaVersion = 1;

    /// <summary>Field 2: learner step (or refresh sweep number) the priorities were computed at.</summary>
    public required long Step { get; init; }

    /// <summary>Field 3: replay ids, as int64 tensor; same length as <see cref="Priorities"/>.</summary>
    public required long[] Ids { get; init; }

    /// <summary>Field 4: new priority per id, as float32 tensor.</summary>
    public required float[] Priorities { get; init; }

    /// <summary>Field 5: when they were computed.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
