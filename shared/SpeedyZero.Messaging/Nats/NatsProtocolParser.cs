using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace SpeedyZero.Messaging.Nats;

/// <summary>
/// Incremental parser of the server-to-client protocol. It never allocates from a length read off
/// the wire before checking it: the control line is capped, header and total sizes are capped,
/// and the payload is copied only once all of it has arrived. Malformed input raises
/// <see cref="NatsProtocolException"/>; nothing else escapes.
/// </summary>
public sealed class NatsProtocolParser(int maxControlLineBytes, int maxHeaderBytes, long maxMessageBytes)
{
    private const int MaxArgs = 6;

    /// <summary>Largest header+payload accepted; raised when the server's INFO announces its max_payload.</summary>
    public long MaxMessageBytes { get; set; } = maxMessageBytes;

    /// <summary>
    /// Parses one operation from the front of <paramref name="buffer"/>. True: <paramref name="op"/> is
    /// set and <paramref name="buffer"/> is sliced past it. False: more bytes are needed, nothing consumed.
    /// </summary>
    public bool TryParse(ref ReadOnlySequence<byte> buffer, out NatsServerOp op)
    {
        op = default;
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            if (buffer.Length > maxControlLineBytes)
            {
                throw new NatsProtocolException($"control line longer than {maxControlLineBytes} bytes");
            }

            return false;
        }

        var lineSequence = buffer.Slice(0, newline.Value);
        if (lineSequence.Length > maxControlLineBytes)
        {
            throw new NatsProtocolException($"control line of {lineSequence.Length} bytes exceeds {maxControlLineBytes}");
        }

        var afterLine = buffer.Slice(buffer.GetPosition(1, newline.Value));
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> line;
            if (lineSequence.IsSingleSegment)
            {
                line = lineSequence.FirstSpan;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent((int)lineSequence.Length);
                lineSequence.CopyTo(rented);
                line = rented.AsSpan(0, (int)lineSequence.Length);
            }

            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            return ParseLine(line, ref buffer, afterLine, out op);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private bool ParseLine(ReadOnlySpan<byte> line, ref ReadOnlySequence<byte> buffer, ReadOnlySequence<byte> afterLine, out NatsServerOp op)
    {
        op = default;
        var verbEnd = line.IndexOfAny((byte)' ', (byte)'\t');
        var verb = verbEnd < 0 ? line : line[..verbEnd];
        var rest = verbEnd < 0 ? ReadOnlySpan<byte>.Empty : line[(verbEnd + 1)..];

        if (Ascii.EqualsIgnoreCase(verb, "MSG"u8) || Ascii.EqualsIgnoreCase(verb, "HMSG"u8))
        {
            return ParseMessage(verb.Length == 4, rest, ref buffer, afterLine, out op);
        }

        if (Ascii.EqualsIgnoreCase(verb, "PING"u8))
        {
            op = new NatsServerOp(NatsOpKind.Ping);
        }
        else if (Ascii.EqualsIgnoreCase(verb, "PONG"u8))
        {
            op = new NatsServerOp(NatsOpKind.Pong);
        }
        else if (Ascii.EqualsIgnoreCase(verb, "+OK"u8))
        {
            op = new NatsServerOp(NatsOpKind.Ok);
        }
        else if (Ascii.EqualsIgnoreCase(verb, "-ERR"u8))
        {
            var text = Encoding.UTF8.GetString(rest.Trim((byte)' ')).Trim('\'');
            op = new NatsServerOp(NatsOpKind.Err, Text: text);
        }
        else if (Ascii.EqualsIgnoreCase(verb, "INFO"u8))
        {
            op = new NatsServerOp(NatsOpKind.Info, Text: Encoding.UTF8.GetString(rest));
        }
        else
        {
            throw new NatsProtocolException($"unknown operation '{Printable(verb)}'");
        }

        buffer = afterLine;
        return true;
    }

    private bool ParseMessage(bool hasHeaders, ReadOnlySpan<byte> args, ref ReadOnlySequence<byte> buffer, ReadOnlySequence<byte> afterLine, out NatsServerOp op)
    {
        op = default;
        Span<Range> ranges = stackalloc Range[MaxArgs];
        var count = Split(args, ranges);
        var expected = hasHeaders ? 4 : 3;
        if (count != expected && count != expected + 1)
        {
            throw new NatsProtocolException($"{(hasHeaders ? "HMSG" : "MSG")} has {count} arguments, expected {expected} or {expected + 1}");
        }

        var subject = args[ranges[0]];
        if (!long.TryParse(args[ranges[1]], out var sid) || sid < 0)
        {
            throw new NatsProtocolException($"bad subscription id '{Printable(args[ranges[1]])}'");
        }

        var hasReply = count == expected + 1;
        var sizeIndex = hasReply ? 3 : 2;
        var headerSize = 0L;
        if (hasHeaders)
        {
            headerSize = ParseSize(args[ranges[sizeIndex]], "header size");
            sizeIndex++;
        }

        var totalSize = ParseSize(args[ranges[sizeIndex]], "message size");
        if (totalSize > MaxMessageBytes)
        {
            throw new NatsProtocolException($"message of {totalSize} bytes exceeds the limit of {MaxMessageBytes}");
        }

        if (headerSize > maxHeaderBytes || headerSize > totalSize)
        {
            throw new NatsProtocolException($"header size {headerSize} is larger than the message ({totalSize}) or the limit ({maxHeaderBytes})");
        }

        if (hasHeaders && headerSize < 10)
        {
            throw new NatsProtocolException($"header size {headerSize} is too small for a NATS/1.0 block");
        }

        if (afterLine.Length < totalSize + 2)
        {
            return false;
        }

        var data = new byte[totalSize];
        afterLine.Slice(0, totalSize).CopyTo(data);
        var terminator = afterLine.Slice(totalSize, 2);
        Span<byte> end = stackalloc byte[2];
        terminator.CopyTo(end);
        if (end[0] != (byte)'\r' || end[1] != (byte)'\n')
        {
            throw new NatsProtocolException("message payload is not followed by CRLF");
        }

        NatsHeaders? headers = null;
        if (hasHeaders)
        {
            headers = NatsHeaders.Parse(data.AsSpan(0, (int)headerSize));
        }

        op = new NatsServerOp(
            NatsOpKind.Msg,
            Subject: Encoding.UTF8.GetString(subject),
            Sid: sid,
            ReplyTo: hasReply ? Encoding.UTF8.GetString(args[ranges[2]]) : null,
            Headers: headers,
            Payload: data.AsMemory((int)headerSize),
            Size: (int)totalSize);
        buffer = afterLine.Slice(totalSize + 2);
        return true;
    }

    private static long ParseSize(ReadOnlySpan<byte> text, string what)
    {
        if (text.Length > 12 || !Utf8Parser.TryParse(text, out long value, out var used) || used != text.Length || value < 0)
        {
            throw new NatsProtocolException($"bad {what} '{Printable(text)}'");
        }

        return value;
    }

    private static int Split(ReadOnlySpan<byte> args, Span<Range> ranges)
    {
        var count = 0;
        var i = 0;
        while (i < args.Length)
        {
            while (i < args.Length && (args[i] == (byte)' ' || args[i] == (byte)'\t'))
            {
                i++;
            }

            if (i == args.Length)
            {
                break;
            }

            var start = i;
            while (i < args.Length && args[i] != (byte)' ' && args[i] != (byte)'\t')
            {
                i++;
            }

            if (count == ranges.Length)
            {
                return count + 1;
            }

            ranges[count++] = new Range(start, i);
        }

        return count;
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var shown = bytes[..Math.Min(bytes.Length, 32)];
        var builder = new StringBuilder(shown.Length);
        foreach (var b in shown)
        {
            builder.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
        }

        return builder.ToString();
    }
}
