namespace SpeedyZero.Storage.Redis;

/// <summary>Typed shortcuts for the commands batches use most; each returns its reply index.</summary>
public sealed partial class RedisBatch
{
    public int Get(string key) => Add("GET", key);

    public int Set(string key, RedisArg value) => Add("SET", key, value);

    public int Set(string key, RedisArg value, TimeSpan expiry) => Add("SET", key, value, "PX", (long)expiry.TotalMilliseconds);

    public int Del(string key) => Add("DEL", key);

    public int Expire(string key, TimeSpan expiry) => Add("PEXPIRE", key, (long)expiry.TotalMilliseconds);

    public int Incr(string key) => Add("INCR", key);

    public int HSet(string key, string field, RedisArg value) => Add("HSET", key, field, value);

    public int HGet(string key, string field) => Add("HGET", key, field);

    public int ZAdd(string key, RedisArg member, double score) => Add("ZADD", key, score, member);

    public int ZRem(string key, RedisArg member) => Add("ZREM", key, member);

    public int ZScore(string key, RedisArg member) => Add("ZSCORE", key, member);

    public int EvalSha(RedisScript script, ReadOnlySpan<string> keys, ReadOnlySpan<RedisArg> args)
        => Add(script.BuildEvalSha(keys, args));
}
