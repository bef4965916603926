using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace SpeedyZero.Storage.Redis;

/// <summary>
/// One reply from the server. A struct, so integer and status replies cost no allocation; bulk strings
/// hold a copy of their bytes, arrays their elements.
/// </summary>
public readonly struct RedisReply
{
    private readonly long integer;
    private readonly object? payload; // string (status, error), byte[] (bulk), RedisReply[] (array)

    private RedisReply(RedisReplyKind kind, long integer, object? payload)
    {
        Kind = kind;
        this.integer = integer;
        this.payload = payload;
    }

    public RedisReplyKind Kind { get; }

    public bool IsNull => Kind == RedisReplyKind.Null;

    public bool IsError => Kind == RedisReplyKind.Error;

    internal static RedisReply Null => default;

    internal static RedisReply Status(string text) => new(RedisReplyKind.SimpleString, 0, text);

    internal static RedisReply Error(string text) => new(RedisReplyKind.Error, 0, text);

    internal static RedisReply FromInteger(long value) => new(RedisReplyKind.Integer, value, null);

    internal static RedisReply Bulk(byte[] value) => new(RedisReplyKind.BulkString, 0, value);

    internal static RedisReply FromArray(RedisReply[] elements) => new(RedisReplyKind.Array, 0, elements);

    /// <summary>Error text of an error reply, otherwise null.</summary>
    public string? ErrorMessage => Kind == RedisReplyKind.Error ? (string)payload! : null;

    /// <summary>Throws <see cref="RedisException"/> carrying the server's text when this is an error reply.</summary>
    public RedisReply ThrowIfError()
        => Kind == RedisReplyKind.Error ? throw RedisException.FromServer((string)payload!) : this;

    /// <summary>Integer reply (or a bulk string holding an integer).</summary>
    public long AsInt64()
    {
        ThrowIfError();
        if (Kind == RedisReplyKind.Integer)
        {
            return integer;
        }

        if (Kind == RedisReplyKind.BulkString && Utf8Parser.TryParse((byte[])payload!, out long parsed, out var used)
            && used == ((byte[])payload!).Length)
        {
            return parsed;
        }

        throw Unexpected("an integer");
    }

    /// <summary>Bulk string bytes; null for a nil reply.</summary>
    public ReadOnlyMemory<byte>? AsBytes()
    {
        ThrowIfError();
        return Kind switch
        {
            // Typed arms: a null byte[] would silently become an empty (non-null) memory.
            RedisReplyKind.Null => (ReadOnlyMemory<byte>?)null,
            RedisReplyKind.BulkString => new ReadOnlyMemory<byte>((byte[])payload!),
            RedisReplyKind.SimpleString => new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes((string)payload!)),
            _ => throw Unexpected("a bulk string"),
        };
    }

    /// <summary>Bulk or status text decoded as UTF-8; null for a nil reply.</summary>
    public string? AsString()
    {
        ThrowIfError();
        return Kind switch
        {
            RedisReplyKind.Null => null,
            RedisReplyKind.BulkString => Encoding.UTF8.GetString((byte[])payload!),
            RedisReplyKind.SimpleString => (string)payload!,
            RedisReplyKind.Integer => integer.ToString(CultureInfo.InvariantCulture),
            _ => throw Unexpected("a string"),
        };
    }

    /// <summary>A float sent as a bulk string (ZSCORE, INCRBYFLOAT); null for a nil reply.</summary>
    public double? AsDouble()
    {
        var text = AsString();
        if (text is null)
        {
            return null;
        }

        return text switch
        {
            "inf" or "+inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Array elements; empty for a nil array.</summary>
    public RedisReply[] AsArray()
    {
        ThrowIfError();
        return Kind switch
        {
            RedisReplyKind.Null => [],
            RedisReplyKind.Array => (RedisReply[])payload!,
            _ => throw Unexpected("an array"),
        };
    }

    public override string ToString() => Kind switch
    {
        RedisReplyKind.Null => "(nil)",
        RedisReplyKind.SimpleString => (string)payload!,
        RedisReplyKind.Error => $"(error) {payload}",
        RedisReplyKind.Integer => $"(integer) {integer}",
        RedisReplyKind.BulkString => $"<{((byte[])payload!).Length} bytes>",
        _ => $"(array of {((RedisReply[])payload!).Length})",
    };

    private RedisException Unexpected(string wanted) => new($"expected {wanted} reply, got {this}");
}
