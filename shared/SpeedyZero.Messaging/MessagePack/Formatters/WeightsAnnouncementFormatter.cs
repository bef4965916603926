using SpeedyZero.Messaging.Messages;

namespace SpeedyZero.Messaging.MessagePack.Formatters;

/// <summary>Wire form of <see cref="WeightsAnnouncement"/> (docs/messagepack.md).</summary>
public sealed class WeightsAnnouncementFormatter : IMessagePackFormatter<WeightsAnnouncement>
{
    public const int Sha256Length = 32;

    public static WeightsAnnouncementFormatter Instance { get; } = new();

    public void Write(ref MessagePackWriter writer, WeightsAnnouncement value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Sha256.Length != Sha256Length)
        {
            throw new ArgumentException($"SHA-256 must be {Sha256Length} bytes, got {value.Sha256.Length}", nameof(value));
        }

        Envelope.WriteHeader(ref writer, MessageKind.WeightsAnnouncement, WeightsAnnouncement.SchemaVersion, 6);
        writer.Write(2L);
        writer.Write(value.Version);
        writer.Write(3L);
        writer.Write(value.RedisKey);
        writer.Write(4L);
        writer.Write(value.ByteLength);
        writer.Write(5L);
        writer.WriteBinary(value.Sha256);
        writer.Write(6L);
        writer.Write(value.LearnerStep);
        writer.Write(7L);
        writer.Write(value.CreatedAt);
    }

    public WeightsAnnouncement Read(ref MessagePackReader reader)
    {
        var start = reader.Offset;
        var count = reader.ReadMapHeader();
        ulong seen = 0;
        long kind = 0, version = 0, weightsVersion = 0, byteLength = 0, learnerStep = 0;
        string? key = null;
        byte[]? sha = null;
        DateTimeOffset createdAt = default;
        for (var i = 0; i < count; i++)
        {
            switch (Envelope.ReadKey(ref reader, ref seen))
            {
                case Envelope.KindField: kind = Envelope.ReadKind(ref reader, MessageKind.WeightsAnnouncement); break;
                case Envelope.VersionField: version = reader.ReadInt64(); break;
                case 2: weightsVersion = reader.ReadInt64(); break;
                case 3: key = Envelope.ReadRequiredString(ref reader, "redis key"); break;
                case 4: byteLength = reader.ReadInt64(); break;
                case 5:
                    var offset = reader.Offset;
                    var bytes = reader.ReadBinary();
                    if (bytes.Length != Sha256Length)
                    {
                        throw new MessagePackDecodeException($"SHA-256 of {bytes.Length} bytes", offset);
                    }

                    sha = bytes.ToArray();
                    break;
                case 6: learnerStep = reader.ReadInt64(); break;
                case 7: createdAt = Envelope.ReadTime(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        Envelope.CheckHeader(seen, kind, version, MessageKind.WeightsAnnouncement, start);
        Envelope.Require(seen, 2, "version", MessageKind.WeightsAnnouncement, start);
        Envelope.Require(seen, 3, "redis key", MessageKind.WeightsAnnouncement, start);
        Envelope.Require(seen, 4, "byte length", MessageKind.WeightsAnnouncement, start);
        Envelope.Require(seen, 5, "sha256", MessageKind.WeightsAnnouncement, start);
        if (byteLength < 0)
        {
            throw new MessagePackDecodeException($"negative byte length {byteLength}", start);
        }

        return new WeightsAnnouncement
        {
            Version = weightsVersion,
            RedisKey = key!,
            ByteLength = byteLength,
            Sha256 = sha!,
            LearnerStep = learnerStep,
            CreatedAt = createdAt,
        };
    }
}
