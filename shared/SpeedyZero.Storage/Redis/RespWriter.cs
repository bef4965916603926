using System.Buffers;
using System.Globalization;
using System.Text;

namespace SpeedyZero.Storage.Redis;

/// <summary>Encodes commands as RESP arrays of bulk strings straight into the output buffer.</summary>
internal readonly ref struct RespWriter(IBufferWriter<byte> output)
{
    // Copies of big values go in chunks so the pipe never has to allocate one giant segment.
    private const int ChunkSize = 64 * 1024;

    public void WriteCommand(ReadOnlySpan<RedisArg> args)
    {
        if (args.IsEmpty)
        {
            throw new ArgumentException("a command needs at least its name", nameof(args));
        }

        WriteHeader((byte)'*', args.Length);
        foreach (ref readonly var arg in args)
        {
            Write(in arg);
        }
    }

    public void Write(in RedisArg arg)
    {
        switch (arg.Kind)
        {
            case RedisArgKind.Text:
                WriteText(arg.Text);
                break;
            case RedisArgKind.Bytes:
                WriteBulk(arg.Bytes.Span);
                break;
            case RedisArgKind.Integer:
            {
                Span<byte> digits = stackalloc byte[24];
                arg.Integer.TryFormat(digits, out var n, default, CultureInfo.InvariantCulture);
                WriteBulk(digits[..n]);
                break;
            }

            default:
                WriteFloat(arg.Number);
                break;
        }
    }

    private void WriteFloat(double value)
    {
        if (double.IsNaN(value))
        {
            throw new ArgumentException("Redis does not accept NaN as a number", nameof(value));
        }

        if (double.IsInfinity(value))
        {
            WriteBulk(value > 0 ? "+inf"u8 : "-inf"u8);
            return;
        }

        Span<byte> digits = stackalloc byte[32];
        value.TryFormat(digits, out var n, "R", CultureInfo.InvariantCulture);
        WriteBulk(digits[..n]);
    }

    private void WriteText(string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        WriteHeader((byte)'$', length);
        if (length <= ChunkSize)
        {
            var span = output.GetSpan(length + 2);
            Encoding.UTF8.GetBytes(text, span);
            span[length] = (byte)'\r';
            span[length + 1] = (byte)'\n';
            output.Advance(length + 2);
            return;
        }

        // Rare: long text keys or values; one temporary buffer is fine here.
        WriteRaw(Encoding.UTF8.GetBytes(text));
        WriteRaw("\r\n"u8);
    }

    private void WriteBulk(ReadOnlySpan<byte> value)
    {
        WriteHeader((byte)'$', value.Length);
        WriteRaw(value);
        WriteRaw("\r\n"u8);
    }

    private void WriteHeader(byte marker, int count)
    {
        var span = output.GetSpan(16);
        span[0] = marker;
        count.TryFormat(span[1..], out var n, default, CultureInfo.InvariantCulture);
        span[n + 1] = (byte)'\r';
        span[n + 2] = (byte)'\n';
        output.Advance(n + 3);
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var span = output.GetSpan(Math.Min(bytes.Length, ChunkSize));
            var n = Math.Min(span.Length, bytes.Length);
            bytes[..n].CopyTo(span);
            output.Advance(n);
            bytes = bytes[n..];
        }
    }
}
