using MessagePack;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>
/// The learner's notice of new weights stored in Redis, on <c>sz.weights.selfplay</c> and
/// <c>sz.weights.target</c>; readers fetch the blob and check its length and SHA-256.
/// </summary>
[MessagePackObject]
public sealed record WeightsAnnouncement : IWireContract
{
    /// <summary>Length of a SHA-256 digest in bytes.</summary>
    public const int Sha256Length = 32;

    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>Version of the weights (increases with every publication of this kind).</summary>
    [Key(1)]
    public long WeightsVersion { get; init; }

    /// <summary>The Redis key holding the weights blob.</summary>
    [Key(2)]
    public required string RedisKey { get; init; }

    /// <summary>Length of the blob in bytes.</summary>
    [Key(3)]
    public long ByteLength { get; init; }

    /// <summary>SHA-256 of the blob, 32 bytes.</summary>
    [Key(4)]
    public required byte[] Sha256 { get; init; }

    /// <summary>Learner step the weights were taken at.</summary>
    [Key(5)]
    public long LearnerStep { get; init; }

    /// <summary>When the learner published them, Unix milliseconds.</summary>
    [Key(6)]
    public long CreatedAtMs { get; init; }

    /// <inheritdoc/>
    public void Validate()
    {
        const string contract = nameof(WeightsAnnouncement);
        if (string.IsNullOrEmpty(RedisKey)) throw ContractRules.Broken(contract, $"weights {WeightsVersion} have no Redis key");
        if (ByteLength < 0) throw ContractRules.Broken(contract, $"weights {WeightsVersion} have byte length {ByteLength}");
        if (Sha256 is null) throw ContractRules.Broken(contract, $"weights {WeightsVersion} have no SHA-256");
        if (Sha256.Length != Sha256Length)
        {
            throw ContractRules.Broken(contract, $"weights {WeightsVersion} have a {Sha256.Length}-byte SHA-256; {Sha256Length} expected");
        }
    }
}
