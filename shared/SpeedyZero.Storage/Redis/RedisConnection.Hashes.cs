namespace SpeedyZero.Storage.Redis;

/// <summary>Hashes: HSET, HGET, HMGET, HGETALL, HDEL.</summary>
public sealed partial class RedisConnection
{
    /// <summary>HSET of one field: 1 when the field is new, 0 when it was overwritten.</summary>
    public ValueTask<long> HSetAsync(string key, string field, RedisArg value, CancellationToken cancellationToken = default)
        => ToInt64(ExecuteAsync(["HSET", key, field, value], cancellationToken));

    /// <summary>HSET of many fields: how many were new.</summary>
    public ValueTask<long> HSetAsync(string key, ReadOnlySpan<KeyValuePair<string, RedisArg>> fields, CancellationToken cancellationToken = default)
    {
        using var args = new ArgList(2 + (2 * fields.Length));
        args.Add("HSET");
        args.Add(key);
        foreach (var (field, value) in fields)
        {
            args.Add(field);
            args.Add(value);
        }

        return ToInt64(ExecuteAsync(args.Span, cancellationToken));
    }

    /// <summary>HGET: null when the key or field is missing.</summary>
    public ValueTask<ReadOnlyMemory<byte>?> HGetAsync(string key, string field, CancellationToken cancellationToken = default)
        => ToBytes(ExecuteAsync(["HGET", key, field], cancellationToken));

    /// <summary>HMGET: one entry per field, null where missing.</summary>
    public ValueTask<ReadOnlyMemory<byte>?[]> HMGetAsync(string key, ReadOnlySpan<string> fields, CancellationToken cancellationToken = default)
    {
        using var args = new ArgList(2 + fields.Length);
        args.Add("HMGET");
        args.Add(key);
        args.AddKeys(fields);
        return ToBytesArray(ExecuteAsync(args.Span, cancellationToken));
    }

    /// <summary>HGETALL: field names (UTF-8) to values; empty when the key is missing.</summary>
    public ValueTask<Dictionary<string, ReadOnlyMemory<byte>>> HGetAllAsync(string key, CancellationToken cancellationToken = default)
        => ToHash(ExecuteAsync(["HGETALL", key], cancellationToken));

    /// <summary>HDEL: how many fields existed.</summary>
    public ValueTask<long> HDelAsync(string key, ReadOnlySpan<string> fields, CancellationToken cancellationToken = default)
    {
        using var args = new ArgList(2 + fields.Length);
        args.Add("HDEL");
        args.Add(key);
        args.AddKeys(fields);
        return ToInt64(ExecuteAsync(args.Span, cancellationToken));
    }
}
