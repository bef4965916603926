using SpeedyZero.Engine;
using MessagePack;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>
/// Reanalyzer to learner on <c>sz.batches</c>: one <see cref="TrainBatch"/> of B samples unrolled
/// K steps (O = observation size, A = action count), each array one tensor.
/// </summary>
[MessagePackObject]
public sealed record TrainBatchMessage : IWireContract
{
    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>The batch's id (unique per reanalyzer run).</summary>
    [Key(1)]
    public long BatchId { get; init; }

    /// <summary>Version of the target network that computed the targets.</summary>
    [Key(2)]
    public long TargetWeightsVersion { get; init; }

    /// <summary>Samples whose policy target came from a fresh search, never negative.</summary>
    [Key(3)]
    public int FreshPolicies { get; init; }

    /// <summary>When the reanalyzer finished the batch, Unix milliseconds.</summary>
    [Key(4)]
    public long CreatedAtMs { get; init; }

    /// <summary>Replay ids of the samples, int64 [B], for priority updates.</summary>
    [Key(5)]
    public required Tensor SampleIds { get; init; }

    /// <summary>Stacked observations, float32 [B, K+1, O].</summary>
    [Key(6)]
    public required Tensor Observations { get; init; }

    /// <summary>Actions taken, int32 [B, K].</summary>
    [Key(7)]
    public required Tensor Actions { get; init; }

    /// <summary>Target masks, float32 [B, K+1].</summary>
    [Key(8)]
    public required Tensor Masks { get; init; }

    /// <summary>Value targets, float32 [B, K+1].</summary>
    [Key(9)]
    public required Tensor TargetValues { get; init; }

    /// <summary>Value-prefix targets, float32 [B, K].</summary>
    [Key(10)]
    public required Tensor TargetValuePrefixes { get; init; }

    /// <summary>Policy targets, float32 [B, K+1, A].</summary>
    [Key(11)]
    public required Tensor TargetPolicies { get; init; }

    /// <summary>Importance weights, float32 [B].</summary>
    [Key(12)]
    public required Tensor Weights { get; init; }

    /// <summary>The message carrying <paramref name="batch"/> (its arrays copied), stamped now.</summary>
    public static TrainBatchMessage From(TrainBatch batch, long batchId)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int b = batch.BatchSize, k = batch.Unroll, o = batch.ObservationSize, a = batch.ActionCount;
        return new TrainBatchMessage
        {
            BatchId = batchId,
            TargetWeightsVersion = batch.TargetVersion,
            FreshPolicies = batch.FreshPolicies,
            CreatedAtMs = Wire.NowMs(),
            SampleIds = Tensor.From<long>(batch.Ids, b),
            Observations = Tensor.From<float>(batch.Observations, b, k + 1, o),
            Actions = Tensor.From<int>(batch.Actions, b, k),
            Masks = Tensor.From<float>(batch.Masks, b, k + 1),
            TargetValues = Tensor.From<float>(batch.TargetValues, b, k + 1),
            TargetValuePrefixes = Tensor.From<float>(batch.TargetValuePrefixes, b, k),
            TargetPolicies = Tensor.From<float>(batch.TargetPolicies, b, k + 1, a),
            Weights = Tensor.From<float>(batch.Weights, b),
        };
    }

    /// <summary>
    /// An upper bound on the encoded length of any batch of this shape: one whose integers all take
    /// their longest MessagePack form, plus a small margin (sizes the batch stream's chunks).
    /// </summary>
    public static int MaxEncodedLength(int batchSize, int unroll, int observationSize, int actionCount)
    {
        var worst = From(new TrainBatch(batchSize, unroll, observationSize, actionCount)
        {
            TargetVersion = long.MaxValue,
            FreshPolicies = int.MaxValue,
        }, long.MaxValue) with { CreatedAtMs = long.MaxValue };
        return MessagePackSerializer.Serialize(worst, Wire.Options).Length + 16;
    }

    /// <summary>
    /// Copies the batch into <paramref name="destination"/> (with its target version and fresh count)
    /// after checking every tensor's dtype and shape against the destination's sizes; a mismatch
    /// throws <see cref="FormatException"/> naming the tensor and leaves the destination untouched.
    /// </summary>
    public void CopyTo(TrainBatch destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int b = destination.BatchSize, k = destination.Unroll, o = destination.ObservationSize, a = destination.ActionCount;
        const string contract = nameof(TrainBatchMessage);
        ContractRules.Expect(SampleIds, contract, nameof(SampleIds), TensorDType.Int64, b);
        ContractRules.Expect(Observations, contract, nameof(Observations), TensorDType.Float32, b, k + 1, o);
        ContractRules.Expect(Actions, contract, nameof(Actions), TensorDType.Int32, b, k);
        ContractRules.Expect(Masks, contract, nameof(Masks), TensorDType.Float32, b, k + 1);
        ContractRules.Expect(TargetValues, contract, nameof(TargetValues), TensorDType.Float32, b, k + 1);
        ContractRules.Expect(TargetValuePrefixes, contract, nameof(TargetValuePrefixes), TensorDType.Float32, b, k);
        ContractRules.Expect(TargetPolicies, contract, nameof(TargetPolicies), TensorDType.Float32, b, k + 1, a);
        ContractRules.Expect(Weights, contract, nameof(Weights), TensorDType.Float32, b);
        SampleIds.CopyTo<long>(destination.Ids);
        Observations.CopyTo<float>(destination.Observations);
        Actions.CopyTo<int>(destination.Actions);
        Masks.CopyTo<float>(destination.Masks);
        TargetValues.CopyTo<float>(destination.TargetValues);
        TargetValuePrefixes.CopyTo<float>(destination.TargetValuePrefixes);
        TargetPolicies.CopyTo<float>(destination.TargetPolicies);
        Weights.CopyTo<float>(destination.Weights);
        destination.TargetVersion = TargetWeightsVersion;
        destination.FreshPolicies = FreshPolicies;
    }

    /// <inheritdoc/>
    public void Validate()
    {
        const string contract = nameof(TrainBatchMessage);
        var b = ContractRules.Shaped(SampleIds, contract, nameof(SampleIds), TensorDType.Int64, 1)[0];
        if (b < 1) throw ContractRules.Broken(contract, $"batch {BatchId} has no samples");
        var k = ContractRules.Shaped(Actions, contract, nameof(Actions), TensorDType.Int32, 2)[1];
        if (k == int.MaxValue) throw ContractRules.Broken(contract, $"batch {BatchId} unrolls {k} steps");
        var o = ContractRules.Shaped(Observations, contract, nameof(Observations), TensorDType.Float32, 3)[2];
        var a = ContractRules.Shaped(TargetPolicies, contract, nameof(TargetPolicies), TensorDType.Float32, 3)[2];
        ContractRules.Expect(Observations, contract, nameof(Observations), TensorDType.Float32, b, k + 1, o);
        ContractRules.Expect(Actions, contract, nameof(Actions), TensorDType.Int32, b, k);
        ContractRules.Expect(Masks, contract, nameof(Masks), TensorDType.Float32, b, k + 1);
        ContractRules.Expect(TargetValues, contract, nameof(TargetValues), TensorDType.Float32, b, k + 1);
        ContractRules.Expect(TargetValuePrefixes, contract, nameof(TargetValuePrefixes), TensorDType.Float32, b, k);
        ContractRules.Expect(TargetPolicies, contract, nameof(TargetPolicies), TensorDType.Float32, b, k + 1, a);
        ContractRules.Expect(Weights, contract, nameof(Weights), TensorDType.Float32, b);
        if (FreshPolicies < 0) throw ContractRules.Broken(contract, $"batch {BatchId} has {FreshPolicies} fresh policies");
    }
}
