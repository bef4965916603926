namespace SpeedyZero.Storage.Redis;

/// <summary>Sorted sets: ZADD, ZRANGE, ZRANGEBYSCORE, ZREM, ZCARD, ZSCORE.</summary>
public sealed partial class RedisConnection
{
    /// <summary>ZADD of one member: 1 when new, 0 when its score was updated.</summary>
    public ValueTask<long> ZAddAsync(string key, RedisArg member, double score, CancellationToken cancellationToken = default)
        => ToInt64(ExecuteAsync(["ZADD", key, score, member], cancellationToken));

    /// <summary>ZADD of many members: how many were new.</summary>
    public ValueTask<long> ZAddAsync(string key, ReadOnlySpan<(RedisArg Member, double Score)> entries, CancellationToken cancellationToken = default)
    {
        using var args = new ArgList(2 + (2 * entries.Length));
        args.Add("ZADD");
        args.Add(key);
        foreach (var (member, score) in entries)
        {
            args.Add(score);
            args.Add(member);
        }

        return ToInt64(ExecuteAsync(args.Span, cancellationToken));
    }

    /// <summary>ZRANGE by rank (inclusive, negative counts from the end): members in score order.</summary>
    public ValueTask<ReadOnlyMemory<byte>[]> ZRangeAsync(string key, long start, long stop, CancellationToken cancellationToken = default)
        => ToMembers(ExecuteAsync(["ZRANGE", key, start, stop], cancellationToken));

    /// <summary>ZRANGE by rank WITHSCORES.</summary>
    public ValueTask<SortedSetEntry[]> ZRangeWithScoresAsync(string key, long start, long stop, CancellationToken cancellationToken = default)
        => ToEntries(ExecuteAsync(["ZRANGE", key, start, stop, "WITHSCORES"], cancellationToken));

    /// <summary>ZRANGEBYSCORE over [min, max] (infinities allowed) WITHSCORES, optionally paged by offset/count.</summary>
    public ValueTask<SortedSetEntry[]> ZRangeByScoreAsync(
        string key, double min, double max, long offset = 0, long count = -1, CancellationToken cancellationToken = default)
    {
        if (offset == 0 && count < 0)
        {
            return ToEntries(ExecuteAsync(["ZRANGEBYSCORE", key, min, max, "WITHSCORES"], cancellationToken));
        }

        return ToEntries(ExecuteAsync(["ZRANGEBYSCORE", key, min, max, "WITHSCORES", "LIMIT", offset, count], cancellationToken));
    }

    /// <summary>ZREM: how many of the members existed.</summary>
    public ValueTask<long> ZRemAsync(string key, ReadOnlySpan<RedisArg> members, CancellationToken cancellationToken = default)
    {
        using var args = new ArgList(2 + members.Length);
        args.Add("ZREM");
        args.Add(key);
        args.AddArgs(members);
        return ToInt64(ExecuteAsync(args.Span, cancellationToken));
    }

    /// <summary>ZCARD: member count (0 when the key is missing).</summary>
    public ValueTask<long> ZCardAsync(string key, CancellationToken cancellationToken = default)
        => ToInt64(ExecuteAsync(["ZCARD", key], cancellationToken));

    /// <summary>ZSCORE: null when the member is missing.</summary>
    public ValueTask<double?> ZScoreAsync(string key, RedisArg member, CancellationToken cancellationToken = default)
        => ToDouble(ExecuteAsync(["ZSCORE", key, member], cancellationToken));
}
