using System.Buffers.Binary;
using System.Text;

namespace SpeedyZero.Messaging.MessagePack;

/// <summary>
/// Layer 2 decoder over a contiguous input. Every read checks lengths against the bytes that remain before
/// touching or allocating anything, and throws <see cref="MessagePackDecodeException"/> with the offset of
/// the bad token otherwise; nothing else escapes for any input. <see cref="Skip"/> caps nesting depth.
/// For a multi-segment <see cref="System.Buffers.ReadOnlySequence{T}"/> use <see cref="MessagePackCodec"/>,
/// which makes it contiguous first.
/// </summary>
public ref struct MessagePackReader
{
    /// <summary>Nesting depth <see cref="Skip"/> accepts unless told otherwise.</summary>
    public const int DefaultMaxDepth = 64;

    private readonly ReadOnlySpan<byte> buffer;
    private readonly long baseOffset;
    private int position;

    public MessagePackReader(ReadOnlySpan<byte> buffer, int maxDepth = DefaultMaxDepth, long baseOffset = 0)
    {
        this.buffer = buffer;
        this.baseOffset = baseOffset;
        MaxDepth = maxDepth;
        position = 0;
    }

    public int MaxDepth { get; }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Consumed => position;

    /// <summary>Offset of the next token, counting from the start of the whole input.</summary>
    public readonly long Offset => baseOffset + position;

    public readonly bool End => position >= buffer.Length;

    public readonly int Remaining => buffer.Length - position;

    private readonly ReadOnlySpan<byte> Rest => buffer[position..];

    /// <summary>The type family of the next token.</summary>
    public readonly MessagePackType NextType
    {
        get
        {
            if (End)
            {
                throw new MessagePackDecodeException("input ended where a value was expected", Offset, isIncomplete: true);
            }

            return MessagePackCode.TypeOf(buffer[position]);
        }
    }

    /// <summary>Consumes a nil and returns true, or returns false and consumes nothing.</summary>
    public bool TryReadNil()
    {
        if (!End && buffer[position] == MessagePackCode.Nil)
        {
            position++;
            return true;
        }

        return false;
    }

    public void ReadNil() => position += Check(MessagePackPrimitives.TryReadNil(Rest, out var size), size, "nil");

    public bool ReadBoolean()
    {
        var status = MessagePackPrimitives.TryReadBoolean(Rest, out var value, out var size);
        position += Check(status, size, "a boolean");
        return value;
    }

    public long ReadInt64()
    {
        var status = MessagePackPrimitives.TryReadInt64(Rest, out var value, out var size);
        position += Check(status, size, "an integer");
        return value;
    }

    public ulong ReadUInt64()
    {
        var status = MessagePackPrimitives.TryReadUInt64(Rest, out var value, out var size);
        position += Check(status, size, "an unsigned integer");
        return value;
    }

    public int ReadInt32()
    {
        var start = Offset;
        var value = ReadInt64();
        return value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new MessagePackDecodeException($"integer {value} does not fit 32 bits", start);
    }

    /// <summary>float32 or float64.</summary>
    public double ReadDouble()
    {
        var status = MessagePackPrimitives.TryReadDouble(Rest, out var value, out var size);
        position += Check(status, size, "a float");
        return value;
    }

    /// <summary>float32 (exact) or float64 (narrowed).</summary>
    public float ReadSingle() => (float)ReadDouble();

    /// <summary>A str decoded from UTF-8 (invalid sequences become U+FFFD); nil gives null.</summary>
    public string? ReadString()
    {
        if (TryReadNil())
        {
            return null;
        }

        return Encoding.UTF8.GetString(ReadStringBytes());
    }

    /// <summary>The raw UTF-8 bytes of a str, without copying.</summary>
    public ReadOnlySpan<byte> ReadStringBytes()
    {
        var start = position;
        var status = MessagePackPrimitives.TryReadStringHeader(Rest, out var length, out var size);
        return TakePayload(start, Check(status, size, "a string"), length, "string");
    }

    /// <summary>The bytes of a bin, without copying.</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        var start = position;
        var status = MessagePackPrimitives.TryReadBinaryHeader(Rest, out var length, out var size);
        return TakePayload(start, Check(status, size, "binary"), length, "binary");
    }

    /// <summary>An array's element count, checked against the bytes left (each element takes at least one).</summary>
    public int ReadArrayHeader()
    {
        var start = position;
        var status = MessagePackPrimitives.TryReadArrayHeader(Rest, out var count, out var size);
        position += Check(status, size, "an array");
        return CheckCount(start, count, 1, "array");
    }

    /// <summary>A map's entry count, checked against the bytes left (each entry takes at least two).</summary>
    public int ReadMapHeader()
    {
        var start = position;
        var status = MessagePackPrimitives.TryReadMapHeader(Rest, out var count, out var size);
        position += Check(status, size, "a map");
        return CheckCount(start, count, 2, "map");
    }

    /// <summary>An extension's type and data (not copied).</summary>
    public ReadOnlySpan<byte> ReadExtension(out sbyte type)
    {
        var start = position;
        var status = MessagePackPrimitives.TryReadExtensionHeader(Rest, out type, out var length, out var size);
        return TakePayload(start, Check(status, size, "an extension"), length, "extension");
    }

    /// <summary>The timestamp extension (-1) in its 32, 64 or 96-bit form.</summary>
    public MessagePackTimestamp ReadTimestamp()
    {
        var start = Offset;
        var data = ReadExtension(out var type);
        if (type != MessagePackCode.TimestampExtension)
        {
            throw new MessagePackDecodeException($"expected a timestamp (ext -1), found ext {type}", start);
        }

        MessagePackTimestamp value;
        switch (data.Length)
        {
            case 4:
                value = new MessagePackTimestamp(BinaryPrimitives.ReadUInt32BigEndian(data), 0);
                break;
            case 8:
                var packed = BinaryPrimitives.ReadUInt64BigEndian(data);
                value = new MessagePackTimestamp((long)(packed & 0x3_ffff_ffffUL), (uint)(packed >> 34));
                break;
            case 12:
                value = new MessagePackTimestamp(BinaryPrimitives.ReadInt64BigEndian(data[4..]), BinaryPrimitives.ReadUInt32BigEndian(data));
                break;
            default:
                throw new MessagePackDecodeException($"timestamp of {data.Length} bytes (4, 8 or 12 expected)", start);
        }

        if (value.Nanoseconds > MessagePackTimestamp.MaxNanoseconds)
        {
            throw new MessagePackDecodeException($"timestamp nanoseconds {value.Nanoseconds} above 999,999,999", start);
        }

        return value;
    }

    /// <summary>A tensor extension, validated (layout version, dtype, rank, dims against the byte count), not copied.</summary>
    public TensorView ReadTensor()
    {
        var start = Offset;
        var data = ReadExtension(out var type);
        if (type != TensorFormat.ExtensionType)
        {
            throw new MessagePackDecodeException($"expected a tensor (ext {TensorFormat.ExtensionType}), found ext {type}", start);
        }

        if (data.Length < 4)
        {
            throw new MessagePackDecodeException($"tensor of {data.Length} bytes is shorter than its header", start);
        }

        if (data[0] != TensorFormat.LayoutVersion)
        {
            throw new MessagePackDecodeException($"tensor layout version {data[0]} (this reader knows {TensorFormat.LayoutVersion})", start);
        }

        var dtype = (TensorDType)data[1];
        var size = TensorDTypes.SizeOf(dtype);
        if (size == 0)
        {
            throw new MessagePackDecodeException($"unknown tensor dtype {data[1]}", start);
        }

        int rank = data[2];
        if (rank > TensorFormat.MaxRank || data.Length < TensorFormat.HeaderSize(rank))
        {
            throw new MessagePackDecodeException($"tensor rank {rank} does not fit its {data.Length} bytes (max rank {TensorFormat.MaxRank})", start);
        }

        var dims = data.Slice(4, 4 * rank);
        var elements = data[TensorFormat.HeaderSize(rank)..];
        long count = 1;
        for (var i = 0; i < rank; i++)
        {
            var dim = BinaryPrimitives.ReadUInt32LittleEndian(dims[(4 * i)..]);
            if (dim > int.MaxValue)
            {
                throw new MessagePackDecodeException($"tensor dimension {dim} too large", start);
            }

            // Bounded by the data length at every step, so the product never overflows.
            count *= dim;
            if (count * size > elements.Length)
            {
                throw new MessagePackDecodeException($"tensor shape needs more than the {elements.Length} data bytes present", start);
            }
        }

        if (count * size != elements.Length)
        {
            throw new MessagePackDecodeException($"tensor shape needs {count * size} data bytes, found {elements.Length}", start);
        }

        return new TensorView(dtype, dims, elements);
    }

    /// <summary>Skips one value of any type, nested ones included (depth capped at <see cref="MaxDepth"/>).</summary>
    public void Skip() => Skip(0);

    private void Skip(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new MessagePackDecodeException($"values nested deeper than {MaxDepth}", Offset);
        }

        switch (NextType)
        {
            case MessagePackType.Nil:
            case MessagePackType.Boolean:
                position++;
                break;
            case MessagePackType.Integer:
                ReadInteger();
                break;
            case MessagePackType.Float:
                ReadDouble();
                break;
            case MessagePackType.String:
                ReadStringBytes();
                break;
            case MessagePackType.Binary:
                ReadBinary();
                break;
            case MessagePackType.Extension:
                ReadExtension(out _);
                break;
            case MessagePackType.Array:
                for (var n = ReadArrayHeader(); n > 0; n--)
                {
                    Skip(depth + 1);
                }

                break;
            case MessagePackType.Map:
                for (var n = ReadMapHeader(); n > 0; n--)
                {
                    Skip(depth + 1);
                    Skip(depth + 1);
                }

                break;
            default:
                throw new MessagePackDecodeException("byte 0xc1 is never used in MessagePack", Offset);
        }
    }

    // Any integer, including uint64 above long.MaxValue (used by Skip).
    private void ReadInteger()
    {
        var status = MessagePackPrimitives.TryReadUInt64(Rest, out _, out var size);
        if (status == MessagePackStatus.OutOfRange)
        {
            status = MessagePackPrimitives.TryReadInt64(Rest, out _, out size);
        }

        position += Check(status, size, "an integer");
    }

    private readonly int Check(MessagePackStatus status, int tokenSize, string expected)
    {
        switch (status)
        {
            case MessagePackStatus.Ok:
                return tokenSize;
            case MessagePackStatus.Incomplete:
                throw new MessagePackDecodeException(
                    $"input ends inside {expected}: token needs {tokenSize} bytes, {Remaining} left", Offset, isIncomplete: true);
            case MessagePackStatus.OutOfRange:
                throw new MessagePackDecodeException($"{expected} out of range for its .NET type", Offset);
            case MessagePackStatus.TypeMismatch:
                throw new MessagePackDecodeException(
                    $"expected {expected}, found {MessagePackCode.TypeOf(buffer[position])} (0x{buffer[position]:x2})", Offset);
            default:
                throw new MessagePackDecodeException($"expected {expected}, found the never-used byte 0x{buffer[position]:x2}", Offset);
        }
    }

    private ReadOnlySpan<byte> TakePayload(int tokenStart, int headerSize, uint length, string what)
    {
        var available = buffer.Length - tokenStart - headerSize;
        if (length > (uint)available)
        {
            throw new MessagePackDecodeException(
                $"{what} of {length} bytes but only {available} left", baseOffset + tokenStart, isIncomplete: true);
        }

        var payload = buffer.Slice(tokenStart + headerSize, (int)length);
        position = tokenStart + headerSize + (int)length;
        return payload;
    }

    private readonly int CheckCount(int tokenStart, uint count, int minBytesPerItem, string what)
    {
        if (count > (uint)Remaining / (uint)minBytesPerItem)
        {
            throw new MessagePackDecodeException(
                $"{what} claims {count} entries but only {Remaining} bytes are left", baseOffset + tokenStart, isIncomplete: true);
        }

        return (int)count;
    }
}
