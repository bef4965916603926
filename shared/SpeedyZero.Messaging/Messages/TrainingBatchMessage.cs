using SpeedyZero.Messaging.MessagePack;

namespace SpeedyZero.Messaging.Messages;

/// <summary>A training batch a reanalyzer assembles for the learner (envelope kind 2, schema version 1).</summary>
public sealed record TrainingBatchMessage
{
    public const int SchemaVersion = 1;

    /// <summary>Field 2: batch id, unique per producer.</summary>
    public required long BatchId { get; init; }

    /// <summary>Field 3: target-network weights version the targets were computed with.</summary>
    public required long TargetWeightsVersion { get; init; }

    /// <summary>Field 4: replay ids of the sampled positions, in batch order (priority updates refer to them).</summary>
    public required long[] SampleIds { get; init; }

    /// <summary>Field 5: named tensors (observations, actions, target value prefixes, values, policies, importance weights).</summary>
    public required IReadOnlyDictionary<string, TensorPayload> Tensors { get; init; }

    /// <summary>Field 6: when the batch was assembled.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
