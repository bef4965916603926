using SpeedyZero.Messaging.Messages;

namespace SpeedyZero.Messaging.MessagePack.Formatters;

/// <summary>Wire form of <see cref="SegmentMessage"/> (docs/messagepack.md).</summary>
public sealed class SegmentMessageFormatter : IMessagePackFormatter<SegmentMessage>
{
    public static SegmentMessageFormatter Instance { get; } = new();

    public void Write(ref MessagePackWriter writer, SegmentMessage value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Envelope.WriteHeader(ref writer, MessageKind.Segment, SegmentMessage.SchemaVersion, 6);
        writer.Write(2L);
        writer.Write(value.SegmentId);
        writer.Write(3L);
        writer.Write(value.ActorRunId);
        writer.Write(4L);
        writer.Write(value.Sequence);
        writer.Write(5L);
        writer.Write(value.WeightsVersion);
        writer.Write(6L);
        writer.Write(value.CreatedAt);
        writer.Write(7L);
        Envelope.WriteTensors(ref writer, value.Tensors);
    }

    public SegmentMessage Read(ref MessagePackReader reader)
    {
        var start = reader.Offset;
        var count = reader.ReadMapHeader();
        ulong seen = 0;
        long kind = 0, version = 0, sequence = 0, weightsVersion = -1;
        string? segmentId = null, actorRunId = null;
        DateTimeOffset createdAt = default;
        Dictionary<string, TensorPayload>? tensors = null;
        for (var i = 0; i < count; i++)
        {
            switch (Envelope.ReadKey(ref reader, ref seen))
            {
                case Envelope.KindField: kind = Envelope.ReadKind(ref reader, MessageKind.Segment); break;
                case Envelope.VersionField: version = reader.ReadInt64(); break;
                case 2: segmentId = Envelope.ReadRequiredString(ref reader, "segment id"); break;
                case 3: actorRunId = Envelope.ReadRequiredString(ref reader, "actor run id"); break;
                case 4: sequence = reader.ReadInt64(); break;
                case 5: weightsVersion = reader.ReadInt64(); break;
                case 6: createdAt = Envelope.ReadTime(ref reader); break;
                case 7: tensors = Envelope.ReadTensors(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        Envelope.CheckHeader(seen, kind, version, MessageKind.Segment, start);
        Envelope.Require(seen, 2, "segment id", MessageKind.Segment, start);
        Envelope.Require(seen, 3, "actor run id", MessageKind.Segment, start);
        Envelope.Require(seen, 4, "sequence", MessageKind.Segment, start);
        Envelope.Require(seen, 7, "tensors", MessageKind.Segment, start);
        return new SegmentMessage
        {
            SegmentId = segmentId!,
            ActorRunId = actorRunId!,
            Sequence = sequence,
            WeightsVersion = weightsVersion,
            CreatedAt = createdAt,
            Tensors = tensors!,
        };
    }
}
