using SpeedyZero.Messaging.Messages;

namespace SpeedyZero.Messaging.MessagePack.Formatters;

/// <summary>
/// The envelope layout every message shares: a map with small integer keys; key 0 is the
/// <see cref="MessageKind"/>, key 1 the schema version, message fields from key 2. Keys the reader does not
/// know (newer fields, or non-integer keys) are skipped; a known key twice is an error.
/// </summary>
internal static class Envelope
{
    public const int KindField = 0;
    public const int VersionField = 1;

    public static void WriteHeader(ref MessagePackWriter writer, MessageKind kind, int version, int fieldCount)
    {
        writer.WriteMapHeader(fieldCount + 2);
        writer.Write((long)KindField);
        writer.Write((long)kind);
        writer.Write((long)VersionField);
        writer.Write((long)version);
    }

    /// <summary>Next key, or -1 when it is one this reader does not track (skip its value then).</summary>
    public static int ReadKey(ref MessagePackReader reader, ref ulong seen)
    {
        if (reader.NextType != MessagePackType.Integer)
        {
            reader.Skip();
            return -1;
        }

        var offset = reader.Offset;
        var key = reader.ReadInt64();
        if (key is < 0 or >= 64)
        {
            return -1;
        }

        if ((seen & (1UL << (int)key)) != 0)
        {
            throw new MessagePackDecodeException($"field {key} appears twice", offset);
        }

        seen |= 1UL << (int)key;
        return (int)key;
    }

    /// <summary>Reads field 0 and fails at once on another kind, before its fields are misread as ours.</summary>
    public static long ReadKind(ref MessagePackReader reader, MessageKind expected)
    {
        var offset = reader.Offset;
        var kind = reader.ReadInt64();
        if (kind != (long)expected)
        {
            throw new MessagePackDecodeException($"expected a {expected} envelope (kind {(int)expected}), found kind {kind}", offset);
        }

        return kind;
    }

    public static void CheckHeader(ulong seen, long kind, long version, MessageKind expected, long offset)
    {
        if ((seen & 0b11) != 0b11)
        {
            throw new MessagePackDecodeException("envelope lacks its kind (field 0) or version (field 1)", offset);
        }

        if (kind != (long)expected)
        {
            throw new MessagePackDecodeException($"expected a {expected} envelope (kind {(int)expected}), found kind {kind}", offset);
        }

        if (version < 1)
        {
            throw new MessagePackDecodeException($"schema version {version} (versions start at 1)", offset);
        }
    }

    public static void Require(ulong seen, int field, string name, MessageKind kind, long offset)
    {
        if ((seen & (1UL << field)) == 0)
        {
            throw new MessagePackDecodeException($"{kind} envelope lacks required field {field} ({name})", offset);
        }
    }

    public static string ReadRequiredString(ref MessagePackReader reader, string name)
    {
        var offset = reader.Offset;
        return reader.ReadString() ?? throw new MessagePackDecodeException($"{name} must not be nil", offset);
    }

    public static void WriteTensors(ref MessagePackWriter writer, IReadOnlyDictionary<string, TensorPayload> tensors)
    {
        writer.WriteMapHeader(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            writer.Write(name);
            writer.WriteTensor(tensor);
        }
    }

    public static Dictionary<string, TensorPayload> ReadTensors(ref MessagePackReader reader)
    {
        var count = reader.ReadMapHeader();
        var tensors = new Dictionary<string, TensorPayload>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var offset = reader.Offset;
            var name = ReadRequiredString(ref reader, "tensor name");
            if (!tensors.TryAdd(name, reader.ReadTensor().ToPayload()))
            {
                throw new MessagePackDecodeException($"tensor '{name}' appears twice", offset);
            }
        }

        return tensors;
    }

    /// <summary>An int64 vector written as a tensor (one block copy).</summary>
    public static long[] ReadInt64Vector(ref MessagePackReader reader, string name)
    {
        var offset = reader.Offset;
        var tensor = reader.ReadTensor();
        if (tensor.DType != TensorDType.Int64 || tensor.Rank != 1)
        {
            throw new MessagePackDecodeException($"{name} must be a 1-D int64 tensor, found {tensor.DType} of rank {tensor.Rank}", offset);
        }

        return tensor.ToArray<long>();
    }

    /// <summary>A float32 vector written as a tensor (one block copy).</summary>
    public static float[] ReadFloat32Vector(ref MessagePackReader reader, string name)
    {
        var offset = reader.Offset;
        var tensor = reader.ReadTensor();
        if (tensor.DType != TensorDType.Float32 || tensor.Rank != 1)
        {
            throw new MessagePackDecodeException($"{name} must be a 1-D float32 tensor, found {tensor.DType} of rank {tensor.Rank}", offset);
        }

        return tensor.ToArray<float>();
    }

    public static DateTimeOffset ReadTime(ref MessagePackReader reader)
    {
        var offset = reader.Offset;
        var timestamp = reader.ReadTimestamp();
        try
        {
            return timestamp.ToDateTimeOffset();
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new MessagePackDecodeException($"timestamp {timestamp.Seconds} s is outside the supported date range", offset);
        }
    }
}
