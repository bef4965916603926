using MessagePack;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>
/// A count broadcast on core NATS: env steps on <c>sz.clock.env</c>, learner steps on
/// <c>sz.clock.learner</c>, the learner's last step on <c>sz.control.finished</c>.
/// </summary>
[MessagePackObject]
public sealed record CounterMessage : IWireContract
{
    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>The count, never negative.</summary>
    [Key(1)]
    public long Value { get; init; }

    /// <inheritdoc/>
    public void Validate()
    {
        if (Value < 0) throw ContractRules.Broken(nameof(CounterMessage), $"value {Value} is negative");
    }
}
