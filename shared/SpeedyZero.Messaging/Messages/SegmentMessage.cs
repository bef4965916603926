using SpeedyZero.Messaging.MessagePack;

namespace SpeedyZero.Messaging.Messages;

/// <summary>A trajectory segment an actor publishes for replay (envelope kind 1, schema version 1).</summary>
public sealed record SegmentMessage
{
    public const int SchemaVersion = 1;

    /// <summary>Field 2: unique segment id (actor run id + sequence is the usual choice).</summary>
    public required string SegmentId { get; init; }

    /// <summary>Field 3: id drawn by the actor incarnation; lets replay drop state of a crashed run.</summary>
    public required string ActorRunId { get; init; }

    /// <summary>Field 4: position of this segment within its actor run, from 0.</summary>
    public required long Sequence { get; init; }

    /// <summary>Field 5: self-play weights version that produced the segment; -1 when unknown.</summary>
    public long WeightsVersion { get; init; } = -1;

    /// <summary>Field 6: when the actor closed the segment.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Field 7: named tensors (observations, actions, rewards, root values, visit policies, ...).</summary>
    public required IReadOnlyDictionary<string, TensorPayload> Tensors { get; init; }
}
