using SpeedyZero.Messaging.Messages;

namespace SpeedyZero.Messaging.MessagePack.Formatters;

/// <summary>Wire form of <see cref="PriorityUpdateMessage"/> (docs/messagepack.md).</summary>
public sealed class PriorityUpdateMessageFormatter : IMessagePackFormatter<PriorityUpdateMessage>
{
    public static PriorityUpdateMessageFormatter Instance { get; } = new();

    public void Write(ref MessagePackWriter writer, PriorityUpdateMessage value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Ids.Length != value.Priorities.Length)
        {
            throw new ArgumentException($"{value.Ids.Length} ids but {value.Priorities.Length} priorities", nameof(value));
        }

        Envelope.WriteHeader(ref writer, MessageKind.PriorityUpdate, PriorityUpdateMessage.SchemaVersion, 4);
        writer.Write(2L);
        writer.Write(value.Step);
        writer.Write(3L);
        writer.WriteTensor<long>(value.Ids, [value.Ids.Length]);
        writer.Write(4L);
        writer.WriteTensor<float>(value.Priorities, [value.Priorities.Length]);
        writer.Write(5L);
        writer.Write(value.CreatedAt);
    }

    public PriorityUpdateMessage Read(ref MessagePackReader reader)
    {
        var start = reader.Offset;
        var count = reader.ReadMapHeader();
        ulong seen = 0;
        long kind = 0, version = 0, step = 0;
        long[]? ids = null;
        float[]? priorities = null;
        DateTimeOffset createdAt = default;
        for (var i = 0; i < count; i++)
        {
            switch (Envelope.ReadKey(ref reader, ref seen))
            {
                case Envelope.KindField: kind = Envelope.ReadKind(ref reader, MessageKind.PriorityUpdate); break;
                case Envelope.VersionField: version = reader.ReadInt64(); break;
                case 2: step = reader.ReadInt64(); break;
                case 3: ids = Envelope.ReadInt64Vector(ref reader, "ids"); break;
                case 4: priorities = Envelope.ReadFloat32Vector(ref reader, "priorities"); break;
                case 5: createdAt = Envelope.ReadTime(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        Envelope.CheckHeader(seen, kind, version, MessageKind.PriorityUpdate, start);
        Envelope.Require(seen, 2, "step", MessageKind.PriorityUpdate, start);
        Envelope.Require(seen, 3, "ids", MessageKind.PriorityUpdate, start);
        Envelope.Require(seen, 4, "priorities", MessageKind.PriorityUpdate, start);
        if (ids!.Length != priorities!.Length)
        {
            throw new MessagePackDecodeException($"{ids.Length} ids but {priorities.Length} priorities", start);
        }

        return new PriorityUpdateMessage { Step = step, Ids = ids, Priorities = priorities, CreatedAt = createdAt };
    }
}
