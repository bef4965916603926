using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace SpeedyZero.Storage.Redis;

/// <summary>
/// Reads RESP2 replies from buffered input. A reply is either complete (returned), incomplete (false: wait
/// for more bytes) or malformed (<see cref="RedisProtocolException"/>). Every length read off the wire is
/// checked against the limits in <see cref="RedisOptions"/> and against the bytes actually buffered before
/// anything is allocated.
/// </summary>
internal static class RespParser
{
    private static readonly string Ok = "OK";
    private static readonly string Queued = "QUEUED";
    private static readonly string Pong = "PONG";

    /// <param name="reader">Advanced past the reply only when one is returned.</param>
    /// <param name="streamOffset">Offset of <paramref name="reader"/>'s start in the connection's input, for error messages.</param>
    public static bool TryRead(ref SequenceReader<byte> reader, RedisOptions limits, long streamOffset, out RedisReply reply)
    {
        reply = default;
        if (!reader.TryPeek(out var marker))
        {
            return false;
        }

        // Arrays are scanned first without allocating, so a half-received array builds nothing.
        if (marker == (byte)'*')
        {
            var scan = reader;
            if (!Parse(ref scan, limits, streamOffset, 0, build: false, out _))
            {
                return false;
            }
        }

        var probe = reader;
        if (!Parse(ref probe, limits, streamOffset, 0, build: true, out reply))
        {
            return false;
        }

        reader = probe;
        return true;
    }

    private static bool Parse(ref SequenceReader<byte> r, RedisOptions limits, long baseOffset, int depth, bool build, out RedisReply reply)
    {
        reply = default;
        var tokenOffset = baseOffset + r.Consumed;
        if (!r.TryRead(out var marker))
        {
            return false;
        }

        if (!TryReadLine(ref r, limits.MaxLineLength, tokenOffset, out var line))
        {
            return false;
        }

        switch (marker)
        {
            case (byte)'+':
                if (build)
                {
                    reply = RedisReply.Status(DecodeStatus(line));
                }

                return true;
            case (byte)'-':
                if (build)
                {
                    reply = RedisReply.Error(Encoding.UTF8.GetString(line));
                }

                return true;
            case (byte)':':
                reply = RedisReply.FromInteger(ParseInteger(line, tokenOffset));
                return true;
            case (byte)'$':
                return ParseBulk(ref r, limits, tokenOffset, ParseInteger(line, tokenOffset), build, out reply);
            case (byte)'*':
                return ParseArray(ref r, limits, baseOffset, tokenOffset, ParseInteger(line, tokenOffset), depth, build, out reply);
            default:
                throw new RedisProtocolException($"unknown reply type byte 0x{marker:x2}", tokenOffset);
        }
    }

    private static bool ParseBulk(ref SequenceReader<byte> r, RedisOptions limits, long tokenOffset, long length, bool build, out RedisReply reply)
    {
        reply = default;
        if (length == -1)
        {
            return true;
        }

        if (length < -1 || length > limits.MaxBulkLength)
        {
            throw new RedisProtocolException($"bulk length {length} outside 0..{limits.MaxBulkLength}", tokenOffset);
        }

        if (r.Remaining < length + 2)
        {
            return false;
        }

        if (build)
        {
            var bytes = GC.AllocateUninitializedArray<byte>((int)length);
            r.TryCopyTo(bytes);
            reply = RedisReply.Bulk(bytes);
        }

        r.Advance(length);
        if (!r.IsNext("\r\n"u8, advancePast: true))
        {
            throw new RedisProtocolException("bulk string not followed by CRLF", tokenOffset);
        }

        return true;
    }

    private static bool ParseArray(
        ref SequenceReader<byte> r, RedisOptions limits, long baseOffset, long tokenOffset, long count, int depth, bool build, out RedisReply reply)
    {
        reply = default;
        if (count == -1)
        {
            return true;
        }

        if (count < -1 || count > limits.MaxArrayLength)
        {
            throw new RedisProtocolException($"array count {count} outside 0..{limits.MaxArrayLength}", tokenOffset);
        }

        if (depth + 1 > limits.MaxNestingDepth)
        {
            throw new RedisProtocolException($"arrays nested deeper than {limits.MaxNestingDepth}", tokenOffset);
        }

        // Each element takes at least 3 bytes ("+\r\n"); fewer buffered means incomplete for sure.
        if (r.Remaining < count * 3)
        {
            return false;
        }

        var elements = build ? new RedisReply[count] : null;
        for (var i = 0; i < count; i++)
        {
            if (!Parse(ref r, limits, baseOffset, depth + 1, build, out var element))
            {
                return false;
            }

            if (elements is not null)
            {
                elements[i] = element;
            }
        }

        if (elements is not null)
        {
            reply = RedisReply.FromArray(elements);
        }

        return true;
    }

    // Finds CRLF within the line limit; the line excludes the CRLF and the reader moves past it.
    private static bool TryReadLine(ref SequenceReader<byte> r, int maxLine, long tokenOffset, out ReadOnlySequence<byte> line)
    {
        var window = r.UnreadSequence;
        if (window.Length > maxLine + 2)
        {
            window = window.Slice(0, maxLine + 2);
        }

        var newline = window.PositionOf((byte)'\n');
        if (newline is null)
        {
            if (window.Length >= maxLine + 2)
            {
                throw new RedisProtocolException($"line longer than {maxLine} bytes", tokenOffset);
            }

            line = default;
            return false;
        }

        var withCr = window.Slice(0, newline.Value);
        if (withCr.Length == 0 || withCr.Slice(withCr.Length - 1).FirstSpan[0] != (byte)'\r')
        {
            throw new RedisProtocolException("line ends in LF without CR", tokenOffset);
        }

        line = withCr.Slice(0, withCr.Length - 1);
        r.Advance(withCr.Length + 1);
        return true;
    }

    private static long ParseInteger(in ReadOnlySequence<byte> line, long tokenOffset)
    {
        Span<byte> digits = stackalloc byte[24];
        if (line.Length is 0 or > 20)
        {
            throw new RedisProtocolException($"integer field of {line.Length} bytes", tokenOffset);
        }

        line.CopyTo(digits);
        var text = digits[..(int)line.Length];
        if (!Utf8Parser.TryParse(text, out long value, out var used) || used != text.Length)
        {
            throw new RedisProtocolException($"'{Encoding.ASCII.GetString(text)}' is not an integer", tokenOffset);
        }

        return value;
    }

    private static string DecodeStatus(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            var span = line.FirstSpan;
            if (span.SequenceEqual("OK"u8))
            {
                return Ok;
            }

            if (span.SequenceEqual("QUEUED"u8))
            {
                return Queued;
            }

            if (span.SequenceEqual("PONG"u8))
            {
                return Pong;
            }
        }

        return Encoding.UTF8.GetString(line);
    }
}
