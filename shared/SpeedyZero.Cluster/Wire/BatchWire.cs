using SpeedyZero.Messaging.MessagePack;
using SpeedyZero.Messaging.MessagePack.Formatters;
using SpeedyZero.Messaging.Messages;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Wire;

/// <summary>
/// A training batch on the batch stream: a <see cref="TrainingBatchMessage"/> (kind 2) with the
/// tensors of <see cref="TrainingBatch"/>: observations [B, K+1, O], actions [B, K] int32,
/// masks and target values [B, K+1], target value prefixes [B, K], target policies [B, K+1, A],
/// weights [B], fresh [1] int32.
/// </summary>
public static class BatchWire
{
    public static byte[] Encode(TrainingBatch batch, long batchId)
    {
        int b = batch.BatchSize, k = batch.Unroll;
        return MessagePackCodec.Serialize(new TrainingBatchMessage
        {
            BatchId = batchId,
            TargetWeightsVersion = batch.TargetVersion,
            SampleIds = batch.Ids,
            CreatedAt = DateTimeOffset.UtcNow,
            Tensors = new Dictionary<string, TensorPayload>
            {
                ["observations"] = TensorPayload.From<float>(batch.Observations, b, k + 1, batch.ObservationSize),
                ["actions"] = TensorPayload.From<int>(batch.Actions, b, k),
                ["masks"] = TensorPayload.From<float>(batch.Masks, b, k + 1),
                ["target_values"] = TensorPayload.From<float>(batch.TargetValues, b, k + 1),
                ["target_value_prefixes"] = TensorPayload.From<float>(batch.TargetValuePrefixes, b, k),
                ["target_policies"] = TensorPayload.From<float>(batch.TargetPolicies, b, k + 1, batch.ActionCount),
                ["weights"] = TensorPayload.From<float>(batch.Weights, b),
                ["fresh"] = TensorPayload.From<int>([batch.FreshPolicies], 1),
            },
        }, TrainingBatchMessageFormatter.Instance);
    }

    /// <summary>
    /// An upper bound on the encoded length of a batch of this shape: a batch whose integers all
    /// take their longest MessagePack form, plus room for the timestamp's variants.
    /// </summary>
    public static int MaxEncodedLength(int batchSize, int unroll, int observationSize, int actionCount)
    {
        var worst = new TrainingBatch(batchSize, unroll, observationSize, actionCount) { TargetVersion = long.MaxValue, FreshPolicies = int.MaxValue };
        worst.Ids.AsSpan().Fill(long.MaxValue);
        return Encode(worst, long.MaxValue).Length + 64;
    }

    /// <summary>Decodes a batch and checks every tensor's dtype and shape against the run's sizes.</summary>
    public static TrainingBatch Decode(ReadOnlySpan<byte> data, int batchSize, int unroll, int observationSize, int actionCount)
    {
        var message = MessagePackCodec.Deserialize(data, TrainingBatchMessageFormatter.Instance);
        var batch = new TrainingBatch(batchSize, unroll, observationSize, actionCount) { TargetVersion = message.TargetWeightsVersion };
        if (message.SampleIds.Length != batchSize)
        {
            throw new MessagePackDecodeException($"batch {message.BatchId} has {message.SampleIds.Length} samples; this run trains on {batchSize}", 0);
        }

        message.SampleIds.CopyTo(batch.Ids, 0);
        Copy(message, "observations", TensorDType.Float32, batch.Observations.AsSpan());
        Copy(message, "actions", TensorDType.Int32, batch.Actions.AsSpan());
        Copy(message, "masks", TensorDType.Float32, batch.Masks.AsSpan());
        Copy(message, "target_values", TensorDType.Float32, batch.TargetValues.AsSpan());
        Copy(message, "target_value_prefixes", TensorDType.Float32, batch.TargetValuePrefixes.AsSpan());
        Copy(message, "target_policies", TensorDType.Float32, batch.TargetPolicies.AsSpan());
        Copy(message, "weights", TensorDType.Float32, batch.Weights.AsSpan());
        var fresh = new int[1];
        Copy(message, "fresh", TensorDType.Int32, fresh.AsSpan());
        batch.FreshPolicies = fresh[0];
        return batch;
    }

    private static void Copy<T>(TrainingBatchMessage message, string name, TensorDType dtype, Span<T> destination)
        where T : unmanaged
    {
        if (!message.Tensors.TryGetValue(name, out var tensor))
        {
            throw new MessagePackDecodeException($"batch {message.BatchId} lacks tensor '{name}'", 0);
        }

        if (tensor.DType != dtype || tensor.ElementCount != destination.Length)
        {
            throw new MessagePackDecodeException(
                $"batch {message.BatchId}: tensor '{name}' is {tensor.DType} x {tensor.ElementCount}; expected {dtype} x {destination.Length}", 0);
        }

        tensor.CopyTo(destination);
    }
}
