namespace SpeedyZero.Storage.Redis;

/// <summary>Keys and string values: GET, SET, MGET, DEL, EXISTS, EXPIRE, INCR.</summary>
public sealed partial class RedisConnection
{
    /// <summary>GET: the value's bytes, or null when the key is missing.</summary>
    public ValueTask<ReadOnlyMemory<byte>?> GetAsync(string key, CancellationToken cancellationToken = default)
        => ToBytes(ExecuteAsync(["GET", key], cancellationToken));

    /// <summary>GET decoded as UTF-8.</summary>
    public ValueTask<string?> GetStringAsync(string key, CancellationToken cancellationToken = default)
        => ToText(ExecuteAsync(["GET", key], cancellationToken));

    /// <summary>SET with optional expiry (PX) and condition (NX / XX); false when the condition kept it from writing.</summary>
    public ValueTask<bool> SetAsync(
        string key, RedisArg value, TimeSpan? expiry = null, SetCondition condition = SetCondition.Always, CancellationToken cancellationToken = default)
    {
        using var args = new ArgList(6);
        args.Add("SET");
        args.Add(key);
        args.Add(value);
        if (expiry is { } ttl)
        {
            if (ttl <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(expiry), ttl, "expiry must be positive");
            }

            args.Add("PX");
            args.Add((long)Math.Ceiling(ttl.TotalMilliseconds));
        }

        if (condition != SetCondition.Always)
        {
            args.Add(condition == SetCondition.IfNotExists ? "NX" : "XX");
        }

        return ToOkOrNull(ExecuteAsync(args.Span, cancellationToken));
    }

    /// <summary>MGET: one entry per key, null where missing.</summary>
    public ValueTask<ReadOnlyMemory<byte>?[]> MGetAsync(ReadOnlySpan<string> keys, CancellationToken cancellationToken = default)
    {
        using var args = new ArgList(1 + keys.Length);
        args.Add("MGET");
        args.AddKeys(keys);
        return ToBytesArray(ExecuteAsync(args.Span, cancellationToken));
    }

    /// <summary>DEL: how many of the keys existed.</summary>
    public ValueTask<long> DelAsync(ReadOnlySpan<string> keys, CancellationToken cancellationToken = default)
    {
        using var args = new ArgList(1 + keys.Length);
        args.Add("DEL");
        args.AddKeys(keys);
        return ToInt64(ExecuteAsync(args.Span, cancellationToken));
    }

    /// <summary>EXISTS: how many of the keys exist (a key named twice counts twice).</summary>
    public ValueTask<long> ExistsAsync(ReadOnlySpan<string> keys, CancellationToken cancellationToken = default)
    {
        using var args = new ArgList(1 + keys.Length);
        args.Add("EXISTS");
        args.AddKeys(keys);
        return ToInt64(ExecuteAsync(args.Span, cancellationToken));
    }

    /// <summary>PEXPIRE: false when the key does not exist.</summary>
    public ValueTask<bool> ExpireAsync(string key, TimeSpan expiry, CancellationToken cancellationToken = default)
        => ToBoolean(ExecuteAsync(["PEXPIRE", key, (long)Math.Ceiling(expiry.TotalMilliseconds)], cancellationToken));

    /// <summary>PTTL in milliseconds: -1 without expiry, -2 when the key is missing.</summary>
    public ValueTask<long> PttlAsync(string key, CancellationToken cancellationToken = default)
        => ToInt64(ExecuteAsync(["PTTL", key], cancellationToken));

    /// <summary>INCR: the new value.</summary>
    public ValueTask<long> IncrAsync(string key, CancellationToken cancellationToken = default)
        => ToInt64(ExecuteAsync(["INCR", key], cancellationToken));

    /// <summary>INCRBY: the new value.</summary>
    public ValueTask<long> IncrByAsync(string key, long increment, CancellationToken cancellationToken = default)
        => ToInt64(ExecuteAsync(["INCRBY", key, increment], cancellationToken));
}
