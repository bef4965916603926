using SpeedyZero.Messaging.Messages;

namespace SpeedyZero.Messaging.MessagePack.Formatters;

/// <summary>Wire form of <see cref="TrainingBatchMessage"/> (docs/messagepack.md).</summary>
public sealed class TrainingBatchMessageFormatter : IMessagePackFormatter<TrainingBatchMessage>
{
    public static TrainingBatchMessageFormatter Instance { get; } = new();

    public void Write(ref MessagePackWriter writer, TrainingBatchMessage value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Envelope.WriteHeader(ref writer, MessageKind.TrainingBatch, TrainingBatchMessage.SchemaVersion, 5);
        writer.Write(2L);
        writer.Write(value.BatchId);
        writer.Write(3L);
        writer.Write(value.TargetWeightsVersion);
        writer.Write(4L);
        writer.WriteTensor<long>(value.SampleIds, [value.SampleIds.Length]);
        writer.Write(5L);
        Envelope.WriteTensors(ref writer, value.Tensors);
        writer.Write(6L);
        writer.Write(value.CreatedAt);
    }

    public TrainingBatchMessage Read(ref MessagePackReader reader)
    {
        var start = reader.Offset;
        var count = reader.ReadMapHeader();
        ulong seen = 0;
        long kind = 0, version = 0, batchId = 0, targetVersion = 0;
        long[]? sampleIds = null;
        Dictionary<string, TensorPayload>? tensors = null;
        DateTimeOffset createdAt = default;
        for (var i = 0; i < count; i++)
        {
            switch (Envelope.ReadKey(ref reader, ref seen))
            {
                case Envelope.KindField: kind = Envelope.ReadKind(ref reader, MessageKind.TrainingBatch); break;
                case Envelope.VersionField: version = reader.ReadInt64(); break;
                case 2: batchId = reader.ReadInt64(); break;
                case 3: targetVersion = reader.ReadInt64(); break;
                case 4: sampleIds = Envelope.ReadInt64Vector(ref reader, "sample ids"); break;
                case 5: tensors = Envelope.ReadTensors(ref reader); break;
                case 6: createdAt = Envelope.ReadTime(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        Envelope.CheckHeader(seen, kind, version, MessageKind.TrainingBatch, start);
        Envelope.Require(seen, 2, "batch id", MessageKind.TrainingBatch, start);
        Envelope.Require(seen, 3, "target weights version", MessageKind.TrainingBatch, start);
        Envelope.Require(seen, 4, "sample ids", MessageKind.TrainingBatch, start);
        Envelope.Require(seen, 5, "tensors", MessageKind.TrainingBatch, start);
        return new TrainingBatchMessage
        {
            BatchId = batchId,
            TargetWeightsVersion = targetVersion,
            SampleIds = sampleIds!,
            Tensors = tensors!,
            CreatedAt = createdAt,
        };
    }
}
