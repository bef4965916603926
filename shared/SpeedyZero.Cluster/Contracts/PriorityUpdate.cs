using MessagePack;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>
/// New priorities for replay transitions, fire-and-forget (no reply) on
/// <c>sz.replay.priorities.learner</c> and <c>sz.replay.priorities.refresh</c>.
/// </summary>
[MessagePackObject]
public sealed record PriorityUpdate : IWireContract
{
    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>The sender's step (learner step, or the refresh's sweep count) when the priorities were computed.</summary>
    [Key(1)]
    public long Step { get; init; }

    /// <summary>Transition ids, int64 [n].</summary>
    [Key(2)]
    public required Tensor Ids { get; init; }

    /// <summary>Their new priorities, float32 [n], each finite and positive.</summary>
    [Key(3)]
    public required Tensor Priorities { get; init; }

    /// <inheritdoc/>
    public void Validate()
    {
        const string contract = nameof(PriorityUpdate);
        ContractRules.Parallel(contract, (Ids, nameof(Ids), TensorDType.Int64), (Priorities, nameof(Priorities), TensorDType.Float32));
        var priorities = Priorities.AsSpan<float>();
        for (var i = 0; i < priorities.Length; i++)
        {
            if (!(float.IsFinite(priorities[i]) && priorities[i] > 0))
            {
                throw ContractRules.Broken(contract, $"priority {i} is {priorities[i]}; priorities are finite and positive");
            }
        }
    }
}
