using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace SpeedyZero.Messaging.Nats;

/// <summary>Encodes client commands (PUB, HPUB, SUB, UNSUB, PING, PONG) into a buffer writer.</summary>
public static class NatsProtocolWriter
{
    /// <summary>Throws unless <paramref name="subject"/> is a non-empty token without whitespace.</summary>
    public static void ValidateSubject(string subject, string what = "subject")
    {
        if (string.IsNullOrEmpty(subject) || subject.AsSpan().IndexOfAny(" \t\r\n") >= 0)
        {
            throw new ArgumentException($"invalid {what} '{subject}': must be non-empty without whitespace");
        }
    }

    /// <summary>Bytes a PUB/HPUB of this message takes on the wire (for buffer accounting).</summary>
    public static int PublishLength(string subject, string? replyTo, int headerLength, int payloadLength) =>
        5 + Encoding.UTF8.GetByteCount(subject) + 1 + (replyTo is null ? 0 : Encoding.UTF8.GetByteCount(replyTo) + 1)
        + 24 + headerLength + payloadLength + 2;

    /// <summary>Writes PUB (no headers) or HPUB (headers) with the payload.</summary>
    public static void WritePublish(IBufferWriter<byte> writer, string subject, string? replyTo, NatsHeaders? headers, ReadOnlySpan<byte> payload)
    {
        var headerLength = headers?.EncodedLength() ?? 0;
        var lineMax = 5 + Encoding.UTF8.GetMaxByteCount(subject.Length) + 1
            + (replyTo is null ? 0 : Encoding.UTF8.GetMaxByteCount(replyTo.Length) + 1) + 26;
        var span = writer.GetSpan(lineMax);
        var at = 0;
        at += (headers is null ? "PUB "u8 : "HPUB "u8).CopyTo(span, at);
        at += Encoding.UTF8.GetBytes(subject, span[at..]);
        span[at++] = (byte)' ';
        if (replyTo is not null)
        {
            at += Encoding.UTF8.GetBytes(replyTo, span[at..]);
            span[at++] = (byte)' ';
        }

        if (headers is not null)
        {
            Utf8Formatter.TryFormat(headerLength, span[at..], out var written);
            at += written;
            span[at++] = (byte)' ';
        }

        Utf8Formatter.TryFormat(headerLength + payload.Length, span[at..], out var sizeWritten);
        at += sizeWritten;
        span[at++] = (byte)'\r';
        span[at++] = (byte)'\n';
        writer.Advance(at);

        if (headers is not null)
        {
            var headerSpan = writer.GetSpan(headerLength);
            headers.Encode(headerSpan);
            writer.Advance(headerLength);
        }

        while (!payload.IsEmpty)
        {
            var chunk = writer.GetSpan(Math.Min(payload.Length, 64 * 1024));
            var n = Math.Min(chunk.Length, payload.Length);
            payload[..n].CopyTo(chunk);
            writer.Advance(n);
            payload = payload[n..];
        }

        var tail = writer.GetSpan(2);
        tail[0] = (byte)'\r';
        tail[1] = (byte)'\n';
        writer.Advance(2);
    }

    /// <summary>SUB subject [queue] sid.</summary>
    public static byte[] Subscribe(string subject, string? queueGroup, long sid) =>
        Encoding.UTF8.GetBytes(queueGroup is null ? $"SUB {subject} {sid}\r\n" : $"SUB {subject} {queueGroup} {sid}\r\n");

    /// <summary>UNSUB sid.</summary>
    public static byte[] Unsubscribe(long sid) => Encoding.UTF8.GetBytes($"UNSUB {sid}\r\n");

    public static ReadOnlySpan<byte> Ping => "PING\r\n"u8;

    public static ReadOnlySpan<byte> Pong => "PONG\r\n"u8;

    private static int CopyTo(this ReadOnlySpan<byte> source, Span<byte> destination, int at)
    {
        source.CopyTo(destination[at..]);
        return source.Length;
    }
}
