using System.Text;

namespace SpeedyZero.Storage.Redis;

/// <summary>
/// One argument of a command: text (sent as UTF-8), raw bytes, an integer or a float, each sent as a RESP
/// bulk string. Implicit conversions let commands be written as <c>["SET", key, value]</c> without boxing.
/// </summary>
public readonly struct RedisArg
{
    private readonly string? text;
    private readonly ReadOnlyMemory<byte> bytes;
    private readonly long integer;
    private readonly double number;

    private RedisArg(RedisArgKind kind, string? text, ReadOnlyMemory<byte> bytes, long integer, double number)
    {
        Kind = kind;
        this.text = text;
        this.bytes = bytes;
        this.integer = integer;
        this.number = number;
    }

    /// <summary>Which of the representations this argument holds.</summary>
    public RedisArgKind Kind { get; }

    public static implicit operator RedisArg(string value)
        => new(RedisArgKind.Text, value ?? throw new ArgumentNullException(nameof(value)), default, 0, 0);

    public static implicit operator RedisArg(ReadOnlyMemory<byte> value) => new(RedisArgKind.Bytes, null, value, 0, 0);

    public static implicit operator RedisArg(byte[] value) => new(RedisArgKind.Bytes, null, value, 0, 0);

    public static implicit operator RedisArg(long value) => new(RedisArgKind.Integer, null, default, value, 0);

    public static implicit operator RedisArg(int value) => new(RedisArgKind.Integer, null, default, value, 0);

    public static implicit operator RedisArg(double value) => new(RedisArgKind.Float, null, default, 0, value);

    internal string Text => text!;

    internal ReadOnlyMemory<byte> Bytes => bytes;

    internal long Integer => integer;

    internal double Number => number;

    public override string ToString() => Kind switch
    {
        RedisArgKind.Text => text!,
        RedisArgKind.Bytes => $"<{bytes.Length} bytes>",
        RedisArgKind.Integer => integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => number.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Bytes this argument takes as bulk-string content.</summary>
    internal int ContentLength => Kind switch
    {
        RedisArgKind.Text => Encoding.UTF8.GetByteCount(text!),
        RedisArgKind.Bytes => bytes.Length,
        _ => -1, // formatted on the stack by the writer
    };
}
