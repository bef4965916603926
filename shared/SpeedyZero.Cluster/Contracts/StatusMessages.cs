using MessagePack;
using SpeedyZero.Core.Replay;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>Anyone to replay on <c>sz.replay.status</c> (request/reply): how much is stored.</summary>
[MessagePackObject]
public sealed record StatusRequest : IWireContract
{
    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <inheritdoc/>
    public void Validate()
    {
    }
}

/// <summary>Replay's answer to a <see cref="StatusRequest"/>: ids [OldestId, NextId) and segments held, or an error.</summary>
[MessagePackObject]
public sealed record StatusReply : IWireContract
{
    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>Why the replay could not answer; null when the status is there.</summary>
    [Key(1)]
    public string? Error { get; init; }

    /// <summary>Oldest transition id held, 0 &lt;= OldestId &lt;= NextId.</summary>
    [Key(2)]
    public long OldestId { get; init; }

    /// <summary>Transitions ever added (the next id to assign).</summary>
    [Key(3)]
    public long NextId { get; init; }

    /// <summary>Segments held, never negative.</summary>
    [Key(4)]
    public int Segments { get; init; }

    /// <summary>The reply carrying <paramref name="status"/>.</summary>
    public static StatusReply From(ReplayStatus status) =>
        new() { OldestId = status.OldestId, NextId = status.NextId, Segments = status.Segments };

    /// <summary>The status; <see cref="InvalidOperationException"/> when the reply is an error.</summary>
    public ReplayStatus ToStatus()
    {
        if (Error is not null) throw new InvalidOperationException($"replay refused the status: {Error}");
        Validate();
        return new ReplayStatus(OldestId, NextId, Segments);
    }

    /// <inheritdoc/>
    public void Validate()
    {
        if (Error is not null) return;
        if (Segments < 0) throw ContractRules.Broken(nameof(StatusReply), $"{Segments} segments");
        if (OldestId < 0 || OldestId > NextId) throw ContractRules.Broken(nameof(StatusReply), $"ids [{OldestId}, {NextId}) are not a range from 0 up");
    }
}
