using SpeedyZero.Messaging.MessagePack;

namespace SpeedyZero.Cluster.Wire;

/// <summary>
/// The cluster's small messages: a MessagePack map with integer keys, 0 = kind, 1 = schema
/// version (1), fields from 2 (the Messaging envelope layout). Values are integers, floats,
/// strings or 1-D tensors (int64 / float32). Unknown keys are skipped; a wrong kind, a repeated
/// key, a wrong type or a missing field is a <see cref="MessagePackDecodeException"/>.
/// </summary>
public sealed class WireFields
{
    public const int Version = 1;
    private readonly object?[] values = new object?[16];

    public WireKind Kind { get; private init; }

    public static byte[] Write(WireKind kind, params (int Field, object Value)[] fields)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(output);
        writer.WriteMapHeader(fields.Length + 2);
        writer.Write(0L);
        writer.Write((long)kind);
        writer.Write(1L);
        writer.Write((long)Version);
        foreach (var (field, value) in fields)
        {
            writer.Write((long)field);
            switch (value)
            {
                case long l: writer.Write(l); break;
                case int i: writer.Write((long)i); break;
                case double d: writer.Write(d); break;
                case string s: writer.Write(s); break;
                case long[] ls: writer.WriteTensor<long>(ls, [ls.Length]); break;
                case float[] fs: writer.WriteTensor<float>(fs, [fs.Length]); break;
                default: throw new ArgumentException($"field {field}: unsupported type {value.GetType().Name}");
            }
        }

        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads a message of kind <paramref name="expected"/> (an <see cref="WireKind.ErrorReply"/> is returned as such).</summary>
    public static WireFields Read(ReadOnlySpan<byte> input, WireKind expected)
    {
        var reader = new MessagePackReader(input);
        var count = reader.ReadMapHeader();
        var fields = new WireFields();
        ulong seen = 0;
        long kind = -1, version = -1;
        for (var i = 0; i < count; i++)
        {
            if (reader.NextType != MessagePackType.Integer)
            {
                reader.Skip();
                reader.Skip();
                continue;
            }

            var offset = reader.Offset;
            var key = reader.ReadInt64();
            if (key is < 0 or >= 16)
            {
                reader.Skip();
                continue;
            }

            if ((seen & (1UL << (int)key)) != 0) throw new MessagePackDecodeException($"field {key} appears twice", offset);
            seen |= 1UL << (int)key;
            switch (key)
            {
                case 0: kind = reader.ReadInt64(); break;
                case 1: version = reader.ReadInt64(); break;
                default:
                    fields.values[key] = reader.NextType switch
                    {
                        MessagePackType.Integer => reader.ReadInt64(),
                        MessagePackType.Float => reader.ReadDouble(),
                        MessagePackType.String => reader.ReadString(),
                        MessagePackType.Extension => ReadVector(ref reader),
                        _ => throw new MessagePackDecodeException($"field {key}: unexpected {reader.NextType}", reader.Offset),
                    };
                    break;
            }
        }

        if (!reader.End) throw new MessagePackDecodeException($"{reader.Remaining} bytes after the message", reader.Offset);
        if (kind != (long)expected && kind != (long)WireKind.ErrorReply)
        {
            throw new MessagePackDecodeException($"expected kind {(int)expected} ({expected}), found {kind}", 0);
        }

        if (version < 1) throw new MessagePackDecodeException($"schema version {version} missing or below 1", 0);
        return new WireFields { Kind = (WireKind)kind, }.With(fields.values);
    }

    public long Int(int field) => values[field] as long? ?? throw Missing(field, "an integer");

    public long IntOr(int field, long fallback) => values[field] as long? ?? fallback;

    public double Float(int field) => values[field] switch
    {
        double d => d,
        long l => l,
        _ => throw Missing(field, "a number"),
    };

    public string Text(int field) => values[field] as string ?? throw Missing(field, "a string");

    public long[] Longs(int field) => values[field] as long[] ?? throw Missing(field, "an int64 tensor");

    public float[] Floats(int field) => values[field] as float[] ?? throw Missing(field, "a float32 tensor");

    private WireFields With(object?[] source)
    {
        source.CopyTo(values, 0);
        return this;
    }

    private MessagePackDecodeException Missing(int field, string what) =>
        new($"{Kind} message: field {field} must be {what}", 0);

    private static object ReadVector(ref MessagePackReader reader)
    {
        var offset = reader.Offset;
        var tensor = reader.ReadTensor();
        if (tensor.Rank != 1) throw new MessagePackDecodeException($"expected a 1-D tensor, found rank {tensor.Rank}", offset);
        return tensor.DType switch
        {
            TensorDType.Int64 => tensor.ToArray<long>(),
            TensorDType.Float32 => tensor.ToArray<float>(),
            _ => throw new MessagePackDecodeException($"expected an int64 or float32 tensor, found {tensor.DType}", offset),
        };
    }
}
