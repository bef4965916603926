using System.Buffers.Binary;

namespace SpeedyZero.Messaging.MessagePack;

/// <summary>
/// Layer 1 encoders: each writes one token header in its smallest form at the start of
/// <c>destination</c> (which must hold <see cref="MaxHeaderSize"/> bytes) and returns the bytes written.
/// </summary>
public static partial class MessagePackPrimitives
{
    /// <summary>Largest header any token needs (code + 8-byte payload, or ext32 code + length + type).</summary>
    public const int MaxHeaderSize = 9;

    public static int WriteNil(Span<byte> destination)
    {
        destination[0] = MessagePackCode.Nil;
        return 1;
    }

    public static int WriteBoolean(Span<byte> destination, bool value)
    {
        destination[0] = value ? MessagePackCode.True : MessagePackCode.False;
        return 1;
    }

    public static int WriteInt64(Span<byte> destination, long value)
    {
        if (value >= 0)
        {
            return WriteUInt64(destination, (ulong)value);
        }

        if (value >= -32)
        {
            destination[0] = (byte)(sbyte)value;
            return 1;
        }

        if (value >= sbyte.MinValue)
        {
            destination[0] = MessagePackCode.Int8;
            destination[1] = (byte)(sbyte)value;
            return 2;
        }

        if (value >= short.MinValue)
        {
            destination[0] = MessagePackCode.Int16;
            BinaryPrimitives.WriteInt16BigEndian(destination[1..], (short)value);
            return 3;
        }

        if (value >= int.MinValue)
        {
            destination[0] = MessagePackCode.Int32;
            BinaryPrimitives.WriteInt32BigEndian(destination[1..], (int)value);
            return 5;
        }

        destination[0] = MessagePackCode.Int64;
        BinaryPrimitives.WriteInt64BigEndian(destination[1..], value);
        return 9;
    }

    public static int WriteUInt64(Span<byte> destination, ulong value)
    {
        if (value <= MessagePackCode.MaxPositiveFixInt)
        {
            destination[0] = (byte)value;
            return 1;
        }

        if (value <= byte.MaxValue)
        {
            destination[0] = MessagePackCode.UInt8;
            destination[1] = (byte)value;
            return 2;
        }

        if (value <= ushort.MaxValue)
        {
            destination[0] = MessagePackCode.UInt16;
            BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)value);
            return 3;
        }

        if (value <= uint.MaxValue)
        {
            destination[0] = MessagePackCode.UInt32;
            BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)value);
            return 5;
        }

        destination[0] = MessagePackCode.UInt64;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], value);
        return 9;
    }

    public static int WriteSingle(Span<byte> destination, float value)
    {
        destination[0] = MessagePackCode.Float32;
        BinaryPrimitives.WriteSingleBigEndian(destination[1..], value);
        return 5;
    }

    public static int WriteDouble(Span<byte> destination, double value)
    {
        destination[0] = MessagePackCode.Float64;
        BinaryPrimitives.WriteDoubleBigEndian(destination[1..], value);
        return 9;
    }

    public static int WriteStringHeader(Span<byte> destination, uint length)
    {
        if (length <= 31)
        {
            destination[0] = (byte)(MessagePackCode.MinFixStr | length);
            return 1;
        }

        return WriteLengthHeader(destination, MessagePackCode.Str8, MessagePackCode.Str16, MessagePackCode.Str32, length);
    }

    public static int WriteBinaryHeader(Span<byte> destination, uint length)
        => WriteLengthHeader(destination, MessagePackCode.Bin8, MessagePackCode.Bin16, MessagePackCode.Bin32, length);

    public static int WriteArrayHeader(Span<byte> destination, uint count)
    {
        if (count <= 15)
        {
            destination[0] = (byte)(MessagePackCode.MinFixArray | count);
            return 1;
        }

        return WriteLengthHeader(destination, 0, MessagePackCode.Array16, MessagePackCode.Array32, count);
    }

    public static int WriteMapHeader(Span<byte> destination, uint count)
    {
        if (count <= 15)
        {
            destination[0] = (byte)(MessagePackCode.MinFixMap | count);
            return 1;
        }

        return WriteLengthHeader(destination, 0, MessagePackCode.Map16, MessagePackCode.Map32, count);
    }

    /// <summary>fixext when the length is 1, 2, 4, 8 or 16; otherwise the smallest ext 8/16/32.</summary>
    public static int WriteExtensionHeader(Span<byte> destination, sbyte type, uint length)
    {
        byte fixCode = length switch
        {
            1 => MessagePackCode.FixExt1,
            2 => MessagePackCode.FixExt2,
            4 => MessagePackCode.FixExt4,
            8 => MessagePackCode.FixExt8,
            16 => MessagePackCode.FixExt16,
            _ => 0,
        };
        if (fixCode != 0)
        {
            destination[0] = fixCode;
            destination[1] = (byte)type;
            return 2;
        }

        var written = WriteLengthHeader(destination, MessagePackCode.Ext8, MessagePackCode.Ext16, MessagePackCode.Ext32, length);
        destination[written] = (byte)type;
        return written + 1;
    }

    private static int WriteLengthHeader(Span<byte> destination, byte code8, byte code16, byte code32, uint length)
    {
        if (code8 != 0 && length <= byte.MaxValue)
        {
            destination[0] = code8;
            destination[1] = (byte)length;
            return 2;
        }

        if (length <= ushort.MaxValue)
        {
            destination[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)length);
            return 3;
        }

        destination[0] = code32;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], length);
        return 5;
    }
}
