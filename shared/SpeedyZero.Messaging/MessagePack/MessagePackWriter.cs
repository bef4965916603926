using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace SpeedyZero.Messaging.MessagePack;

/// <summary>
/// Layer 2 encoder over an <see cref="IBufferWriter{T}"/>: smallest form for every value, big payloads copied
/// in one block. Call <see cref="Flush"/> when done (it commits what was written to the buffer writer).
/// </summary>
public ref struct MessagePackWriter
{
    private readonly IBufferWriter<byte> output;
    private Span<byte> span;
    private int buffered;

    public MessagePackWriter(IBufferWriter<byte> output)
    {
        this.output = output ?? throw new ArgumentNullException(nameof(output));
        span = default;
        buffered = 0;
    }

    /// <summary>Commits buffered bytes to the underlying writer.</summary>
    public void Flush()
    {
        if (buffered > 0)
        {
            output.Advance(buffered);
            buffered = 0;
        }

        span = default;
    }

    public void WriteNil() => buffered += MessagePackPrimitives.WriteNil(Reserve(1));

    public void Write(bool value) => buffered += MessagePackPrimitives.WriteBoolean(Reserve(1), value);

    public void Write(long value) => buffered += MessagePackPrimitives.WriteInt64(Reserve(MessagePackPrimitives.MaxHeaderSize), value);

    public void Write(ulong value) => buffered += MessagePackPrimitives.WriteUInt64(Reserve(MessagePackPrimitives.MaxHeaderSize), value);

    public void Write(float value) => buffered += MessagePackPrimitives.WriteSingle(Reserve(5), value);

    public void Write(double value) => buffered += MessagePackPrimitives.WriteDouble(Reserve(9), value);

    /// <summary>A UTF-16 string as a UTF-8 str; null writes nil.</summary>
    public void Write(string? value)
    {
        if (value is null)
        {
            WriteNil();
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        var destination = Reserve(MessagePackPrimitives.MaxHeaderSize + length);
        var header = MessagePackPrimitives.WriteStringHeader(destination, (uint)length);
        Encoding.UTF8.GetBytes(value, destination[header..]);
        buffered += header + length;
    }

    /// <summary>Already-encoded UTF-8 as a str (not validated).</summary>
    public void WriteString(scoped ReadOnlySpan<byte> utf8)
    {
        buffered += MessagePackPrimitives.WriteStringHeader(Reserve(MessagePackPrimitives.MaxHeaderSize), (uint)utf8.Length);
        WriteRaw(utf8);
    }

    public void WriteBinary(scoped ReadOnlySpan<byte> value)
    {
        buffered += MessagePackPrimitives.WriteBinaryHeader(Reserve(MessagePackPrimitives.MaxHeaderSize), (uint)value.Length);
        WriteRaw(value);
    }

    public void WriteArrayHeader(int count)
        => buffered += MessagePackPrimitives.WriteArrayHeader(Reserve(MessagePackPrimitives.MaxHeaderSize), checked((uint)count));

    public void WriteMapHeader(int count)
        => buffered += MessagePackPrimitives.WriteMapHeader(Reserve(MessagePackPrimitives.MaxHeaderSize), checked((uint)count));

    /// <summary>Header of an extension whose <paramref name="length"/> data bytes the caller writes next.</summary>
    public void WriteExtensionHeader(sbyte type, int length)
        => buffered += MessagePackPrimitives.WriteExtensionHeader(Reserve(MessagePackPrimitives.MaxHeaderSize), type, checked((uint)length));

    public void WriteExtension(sbyte type, scoped ReadOnlySpan<byte> data)
    {
        WriteExtensionHeader(type, data.Length);
        WriteRaw(data);
    }

    /// <summary>Timestamp extension in its smallest form (32, 64 or 96 bit).</summary>
    public void Write(MessagePackTimestamp value)
    {
        if (value.Nanoseconds > MessagePackTimestamp.MaxNanoseconds)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value.Nanoseconds, "nanoseconds above 999,999,999");
        }

        var destination = Reserve(15);
        if (value.Seconds >= 0 && value.Seconds >> 34 == 0)
        {
            if (value.Nanoseconds == 0 && value.Seconds <= uint.MaxValue)
            {
                destination[0] = MessagePackCode.FixExt4;
                destination[1] = unchecked((byte)MessagePackCode.TimestampExtension);
                BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)value.Seconds);
                buffered += 6;
                return;
            }

            destination[0] = MessagePackCode.FixExt8;
            destination[1] = unchecked((byte)MessagePackCode.TimestampExtension);
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], ((ulong)value.Nanoseconds << 34) | (ulong)value.Seconds);
            buffered += 10;
            return;
        }

        destination[0] = MessagePackCode.Ext8;
        destination[1] = 12;
        destination[2] = unchecked((byte)MessagePackCode.TimestampExtension);
        BinaryPrimitives.WriteUInt32BigEndian(destination[3..], value.Nanoseconds);
        BinaryPrimitives.WriteInt64BigEndian(destination[7..], value.Seconds);
        buffered += 15;
    }

    public void Write(DateTimeOffset value) => Write(MessagePackTimestamp.FromDateTimeOffset(value));

    /// <summary>A tensor extension: dtype from <typeparamref name="T"/>, elements copied in one block.</summary>
    public void WriteTensor<T>(scoped ReadOnlySpan<T> values, scoped ReadOnlySpan<int> shape)
        where T : unmanaged
    {
        TensorFormat.EnsureLittleEndian();
        WriteTensor(TensorDTypes.Of<T>(), shape, MemoryMarshal.AsBytes(values));
    }

    public void WriteTensor(TensorPayload tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        WriteTensor(tensor.DType, tensor.ShapeSpan, tensor.Data.Span);
    }

    /// <summary>A tensor from raw little-endian element bytes; the byte count must match dtype and shape.</summary>
    public void WriteTensor(TensorDType dtype, scoped ReadOnlySpan<int> shape, scoped ReadOnlySpan<byte> littleEndianData)
    {
        if (shape.Length > TensorFormat.MaxRank)
        {
            throw new ArgumentException($"rank {shape.Length} above {TensorFormat.MaxRank}", nameof(shape));
        }

        var size = TensorDTypes.SizeOf(dtype);
        if (size == 0 || TensorPayload.ElementCountOf(shape) * size != littleEndianData.Length)
        {
            throw new ArgumentException(
                $"{littleEndianData.Length} bytes do not make a {dtype} tensor of shape [{string.Join(',', shape.ToArray())}]", nameof(littleEndianData));
        }

        var header = TensorFormat.HeaderSize(shape.Length);
        WriteExtensionHeader(TensorFormat.ExtensionType, checked(header + littleEndianData.Length));
        var destination = Reserve(header);
        destination[0] = TensorFormat.LayoutVersion;
        destination[1] = (byte)dtype;
        destination[2] = (byte)shape.Length;
        destination[3] = 0;
        for (var i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[(4 + (4 * i))..], shape[i]);
        }

        buffered += header;
        WriteRaw(littleEndianData);
    }

    /// <summary>Bytes that are already MessagePack (or the data part of a str/bin/ext).</summary>
    public void WriteRaw(scoped ReadOnlySpan<byte> bytes)
    {
        // One reservation and one copy for the whole block.
        bytes.CopyTo(Reserve(bytes.Length));
        buffered += bytes.Length;
    }

    private Span<byte> Reserve(int size)
    {
        if (span.Length - buffered < size)
        {
            Flush();
            span = output.GetSpan(size);
        }

        return span[buffered..];
    }
}
