using System.Buffers;

namespace SpeedyZero.Messaging.MessagePack;

/// <summary>Entry points: whole messages to and from bytes through a formatter.</summary>
public static class MessagePackCodec
{
    public static void Serialize<T>(IBufferWriter<byte> output, T value, IMessagePackFormatter<T> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var writer = new MessagePackWriter(output);
        formatter.Write(ref writer, value);
        writer.Flush();
    }

    public static byte[] Serialize<T>(T value, IMessagePackFormatter<T> formatter)
    {
        var output = new ArrayBufferWriter<byte>(256);
        Serialize(output, value, formatter);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads exactly one message; trailing bytes are an error.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> input, IMessagePackFormatter<T> formatter, int maxDepth = MessagePackReader.DefaultMaxDepth)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var reader = new MessagePackReader(input, maxDepth);
        var value = formatter.Read(ref reader);
        if (!reader.End)
        {
            throw new MessagePackDecodeException($"{reader.Remaining} bytes left after the message", reader.Offset);
        }

        return value;
    }

    /// <summary>As the span overload; a multi-segment input is first copied into one pooled buffer.</summary>
    public static T Deserialize<T>(in ReadOnlySequence<byte> input, IMessagePackFormatter<T> formatter, int maxDepth = MessagePackReader.DefaultMaxDepth)
    {
        if (input.IsSingleSegment)
        {
            return Deserialize(input.FirstSpan, formatter, maxDepth);
        }

        if (input.Length > Array.MaxLength)
        {
            throw new MessagePackDecodeException($"message of {input.Length} bytes exceeds one buffer", 0);
        }

        var rented = ArrayPool<byte>.Shared.Rent((int)input.Length);
        try
        {
            input.CopyTo(rented);
            return Deserialize(rented.AsSpan(0, (int)input.Length), formatter, maxDepth);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Length of the first complete value in <paramref name="input"/>, for framing a stream of messages:
    /// <see cref="MessagePackStatus.Incomplete"/> means wait for more bytes, <see cref="MessagePackStatus.Malformed"/>
    /// that no more bytes can help.
    /// </summary>
    public static MessagePackStatus TryMeasure(ReadOnlySpan<byte> input, out int length, int maxDepth = MessagePackReader.DefaultMaxDepth)
    {
        var reader = new MessagePackReader(input, maxDepth);
        try
        {
            reader.Skip();
            length = reader.Consumed;
            return MessagePackStatus.Ok;
        }
        catch (MessagePackDecodeException e)
        {
            length = 0;
            return e.IsIncomplete ? MessagePackStatus.Incomplete : MessagePackStatus.Malformed;
        }
    }
}
