using System.Buffers.Binary;

namespace SpeedyZero.Messaging.MessagePack;

/// <summary>
/// Layer 1: decode one token from the start of a span. Every method returns a status and a token size:
/// bytes consumed on <see cref="MessagePackStatus.Ok"/>, bytes the whole token needs on
/// <see cref="MessagePackStatus.Incomplete"/> (so a stream reader knows how much more to wait for).
/// For str, bin and ext only the header is decoded; the returned length is what follows it. Nothing here
/// allocates or throws.
/// </summary>
public static partial class MessagePackPrimitives
{
    public static MessagePackStatus TryReadNil(ReadOnlySpan<byte> source, out int tokenSize)
    {
        tokenSize = 1;
        if (source.IsEmpty)
        {
            return MessagePackStatus.Incomplete;
        }

        return source[0] == MessagePackCode.Nil ? MessagePackStatus.Ok : Mismatch(source[0]);
    }

    public static MessagePackStatus TryReadBoolean(ReadOnlySpan<byte> source, out bool value, out int tokenSize)
    {
        tokenSize = 1;
        value = false;
        if (source.IsEmpty)
        {
            return MessagePackStatus.Incomplete;
        }

        switch (source[0])
        {
            case MessagePackCode.True:
                value = true;
                return MessagePackStatus.Ok;
            case MessagePackCode.False:
                return MessagePackStatus.Ok;
            default:
                return Mismatch(source[0]);
        }
    }

    /// <summary>Any integer format; uint64 above long.MaxValue is <see cref="MessagePackStatus.OutOfRange"/>.</summary>
    public static MessagePackStatus TryReadInt64(ReadOnlySpan<byte> source, out long value, out int tokenSize)
    {
        var status = TryReadInteger(source, out value, out var unsignedValue, out var isUnsigned64, out tokenSize);
        if (status == MessagePackStatus.Ok && isUnsigned64)
        {
            if (unsignedValue > long.MaxValue)
            {
                return MessagePackStatus.OutOfRange;
            }

            value = (long)unsignedValue;
        }

        return status;
    }

    /// <summary>Any integer format; negative values are <see cref="MessagePackStatus.OutOfRange"/>.</summary>
    public static MessagePackStatus TryReadUInt64(ReadOnlySpan<byte> source, out ulong value, out int tokenSize)
    {
        var status = TryReadInteger(source, out var signedValue, out value, out var isUnsigned64, out tokenSize);
        if (status == MessagePackStatus.Ok && !isUnsigned64)
        {
            if (signedValue < 0)
            {
                return MessagePackStatus.OutOfRange;
            }

            value = (ulong)signedValue;
        }

        return status;
    }

    /// <summary>float32 or float64 (a float64 is narrowed: precision may be lost, range saturates to infinity).</summary>
    public static MessagePackStatus TryReadDouble(ReadOnlySpan<byte> source, out double value, out int tokenSize)
    {
        value = 0;
        tokenSize = 1;
        if (source.IsEmpty)
        {
            return MessagePackStatus.Incomplete;
        }

        switch (source[0])
        {
            case MessagePackCode.Float32:
                tokenSize = 5;
                if (source.Length < 5)
                {
                    return MessagePackStatus.Incomplete;
                }

                value = BinaryPrimitives.ReadSingleBigEndian(source[1..]);
                return MessagePackStatus.Ok;
            case MessagePackCode.Float64:
                tokenSize = 9;
                if (source.Length < 9)
                {
                    return MessagePackStatus.Incomplete;
                }

                value = BinaryPrimitives.ReadDoubleBigEndian(source[1..]);
                return MessagePackStatus.Ok;
            default:
                return Mismatch(source[0]);
        }
    }

    public static MessagePackStatus TryReadStringHeader(ReadOnlySpan<byte> source, out uint length, out int tokenSize)
    {
        if (!source.IsEmpty && source[0] is >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr)
        {
            length = (uint)(source[0] & 0x1f);
            tokenSize = 1;
            return MessagePackStatus.Ok;
        }

        return TryReadLengthHeader(source, MessagePackCode.Str8, MessagePackCode.Str16, MessagePackCode.Str32, out length, out tokenSize);
    }

    public static MessagePackStatus TryReadBinaryHeader(ReadOnlySpan<byte> source, out uint length, out int tokenSize)
        => TryReadLengthHeader(source, MessagePackCode.Bin8, MessagePackCode.Bin16, MessagePackCode.Bin32, out length, out tokenSize);

    public static MessagePackStatus TryReadArrayHeader(ReadOnlySpan<byte> source, out uint count, out int tokenSize)
    {
        if (!source.IsEmpty && source[0] is >= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray)
        {
            count = (uint)(source[0] & 0x0f);
            tokenSize = 1;
            return MessagePackStatus.Ok;
        }

        return TryReadLengthHeader(source, 0, MessagePackCode.Array16, MessagePackCode.Array32, out count, out tokenSize);
    }

    public static MessagePackStatus TryReadMapHeader(ReadOnlySpan<byte> source, out uint count, out int tokenSize)
    {
        if (!source.IsEmpty && source[0] is >= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap)
        {
            count = (uint)(source[0] & 0x0f);
            tokenSize = 1;
            return MessagePackStatus.Ok;
        }

        return TryReadLengthHeader(source, 0, MessagePackCode.Map16, MessagePackCode.Map32, out count, out tokenSize);
    }

    /// <summary>fixext 1/2/4/8/16 and ext 8/16/32: the type code and the data length that follows the header.</summary>
    public static MessagePackStatus TryReadExtensionHeader(ReadOnlySpan<byte> source, out sbyte type, out uint length, out int tokenSize)
    {
        type = 0;
        length = 0;
        tokenSize = 1;
        if (source.IsEmpty)
        {
            return MessagePackStatus.Incomplete;
        }

        int lengthBytes;
        switch (source[0])
        {
            case MessagePackCode.FixExt1: length = 1; lengthBytes = 0; break;
            case MessagePackCode.FixExt2: length = 2; lengthBytes = 0; break;
            case MessagePackCode.FixExt4: length = 4; lengthBytes = 0; break;
            case MessagePackCode.FixExt8: length = 8; lengthBytes = 0; break;
            case MessagePackCode.FixExt16: length = 16; lengthBytes = 0; break;
            case MessagePackCode.Ext8: lengthBytes = 1; break;
            case MessagePackCode.Ext16: lengthBytes = 2; break;
            case MessagePackCode.Ext32: lengthBytes = 4; break;
            default: return Mismatch(source[0]);
        }

        tokenSize = 2 + lengthBytes;
        if (source.Length < tokenSize)
        {
            return MessagePackStatus.Incomplete;
        }

        length = lengthBytes switch
        {
            0 => length,
            1 => source[1],
            2 => BinaryPrimitives.ReadUInt16BigEndian(source[1..]),
            _ => BinaryPrimitives.ReadUInt32BigEndian(source[1..]),
        };
        type = (sbyte)source[1 + lengthBytes];
        return MessagePackStatus.Ok;
    }

    private static MessagePackStatus TryReadInteger(
        ReadOnlySpan<byte> source, out long signedValue, out ulong unsignedValue, out bool isUnsigned64, out int tokenSize)
    {
        signedValue = 0;
        unsignedValue = 0;
        isUnsigned64 = false;
        tokenSize = 1;
        if (source.IsEmpty)
        {
            return MessagePackStatus.Incomplete;
        }

        var code = source[0];
        if (code <= MessagePackCode.MaxPositiveFixInt)
        {
            signedValue = code;
            return MessagePackStatus.Ok;
        }

        if (code >= MessagePackCode.MinNegativeFixInt)
        {
            signedValue = (sbyte)code;
            return MessagePackStatus.Ok;
        }

        tokenSize = code switch
        {
            MessagePackCode.UInt8 or MessagePackCode.Int8 => 2,
            MessagePackCode.UInt16 or MessagePackCode.Int16 => 3,
            MessagePackCode.UInt32 or MessagePackCode.Int32 => 5,
            MessagePackCode.UInt64 or MessagePackCode.Int64 => 9,
            _ => 1,
        };
        if (tokenSize == 1)
        {
            return Mismatch(code);
        }

        if (source.Length < tokenSize)
        {
            return MessagePackStatus.Incomplete;
        }

        var body = source[1..];
        switch (code)
        {
            case MessagePackCode.UInt8: signedValue = body[0]; break;
            case MessagePackCode.UInt16: signedValue = BinaryPrimitives.ReadUInt16BigEndian(body); break;
            case MessagePackCode.UInt32: signedValue = BinaryPrimitives.ReadUInt32BigEndian(body); break;
            case MessagePackCode.UInt64:
                unsignedValue = BinaryPrimitives.ReadUInt64BigEndian(body);
                isUnsigned64 = true;
                break;
            case MessagePackCode.Int8: signedValue = (sbyte)body[0]; break;
            case MessagePackCode.Int16: signedValue = BinaryPrimitives.ReadInt16BigEndian(body); break;
            case MessagePackCode.Int32: signedValue = BinaryPrimitives.ReadInt32BigEndian(body); break;
            default: signedValue = BinaryPrimitives.ReadInt64BigEndian(body); break;
        }

        return MessagePackStatus.Ok;
    }

    // Formats with a 1/2/4-byte big-endian length after the code; code8 == 0 means no 8-bit form.
    private static MessagePackStatus TryReadLengthHeader(
        ReadOnlySpan<byte> source, byte code8, byte code16, byte code32, out uint length, out int tokenSize)
    {
        length = 0;
        tokenSize = 1;
        if (source.IsEmpty)
        {
            return MessagePackStatus.Incomplete;
        }

        var code = source[0];
        if (code8 != 0 && code == code8)
        {
            tokenSize = 2;
        }
        else if (code == code16)
        {
            tokenSize = 3;
        }
        else if (code == code32)
        {
            tokenSize = 5;
        }
        else
        {
            return Mismatch(code);
        }

        if (source.Length < tokenSize)
        {
            return MessagePackStatus.Incomplete;
        }

        length = tokenSize switch
        {
            2 => source[1],
            3 => BinaryPrimitives.ReadUInt16BigEndian(source[1..]),
            _ => BinaryPrimitives.ReadUInt32BigEndian(source[1..]),
        };
        return MessagePackStatus.Ok;
    }

    private static MessagePackStatus Mismatch(byte code)
        => code == MessagePackCode.NeverUsed ? MessagePackStatus.Malformed : MessagePackStatus.TypeMismatch;
}
