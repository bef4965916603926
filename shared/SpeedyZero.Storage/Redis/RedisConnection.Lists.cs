namespace SpeedyZero.Storage.Redis;

/// <summary>Lists: RPUSH, LPOP, LRANGE, LLEN.</summary>
public sealed partial class RedisConnection
{
    /// <summary>RPUSH: the list length afterwards.</summary>
    public ValueTask<long> RPushAsync(string key, ReadOnlySpan<RedisArg> values, CancellationToken cancellationToken = default)
    {
        using var args = new ArgList(2 + values.Length);
        args.Add("RPUSH");
        args.Add(key);
        args.AddArgs(values);
        return ToInt64(ExecuteAsync(args.Span, cancellationToken));
    }

    /// <summary>LPOP: null when the list is empty.</summary>
    public ValueTask<ReadOnlyMemory<byte>?> LPopAsync(string key, CancellationToken cancellationToken = default)
        => ToBytes(ExecuteAsync(["LPOP", key], cancellationToken));

    /// <summary>LRANGE (inclusive, negative counts from the end).</summary>
    public ValueTask<ReadOnlyMemory<byte>[]> LRangeAsync(string key, long start, long stop, CancellationToken cancellationToken = default)
        => ToMembers(ExecuteAsync(["LRANGE", key, start, stop], cancellationToken));

    /// <summary>LLEN: 0 when the key is missing.</summary>
    public ValueTask<long> LLenAsync(string key, CancellationToken cancellationToken = default)
        => ToInt64(ExecuteAsync(["LLEN", key], cancellationToken));
}
