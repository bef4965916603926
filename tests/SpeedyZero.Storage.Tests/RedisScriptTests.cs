using System.Security.Cryptography;
using System.Text;
using SpeedyZero.Storage.Redis;

namespace SpeedyZero.Storage.Tests;

/// <summary>EVALSHA with the SHA cached client-side, and the NOSCRIPT reload.</summary>
public sealed class RedisScriptTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly RedisConnection redis = fixture.Connection;

    [Fact]
    public void Sha_is_the_sha1_of_the_source()
    {
        var script = new RedisScript("return 1");
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("return 1"))), script.Sha1);
    }

    [Fact]
    public async Task Evalsha_loads_once_then_reloads_after_script_flush()
    {
        var script = new RedisScript("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[2], ARGV[2])");
        await redis.ScriptFlushAsync();

        var first = await redis.EvaluateAsync(script, ["script:a", "script:n"], ["x", 5L]);
        Assert.Equal(5, first.AsInt64());
        Assert.Equal(1, script.Loads);

        var second = await redis.EvaluateAsync(script, ["script:a", "script:n"], ["y", 5L]);
        Assert.Equal(10, second.AsInt64());
        Assert.Equal(1, script.Loads);

        await redis.ScriptFlushAsync();
        var third = await redis.EvaluateAsync(script, ["script:a", "script:n"], ["z", 1L]);
        Assert.Equal(11, third.AsInt64());
        Assert.Equal(2, script.Loads);
        Assert.Equal("z", await redis.GetStringAsync("script:a"));
    }

    [Fact]
    public async Task Script_errors_throw_with_the_servers_text()
    {
        var script = new RedisScript("return redis.error_reply('MYERR bad input')");
        var error = await Assert.ThrowsAsync<RedisException>(async () => await redis.EvaluateAsync(script));
        Assert.Equal("MYERR", error.ErrorPrefix);
    }

    [Fact]
    public async Task Scripts_run_inside_batches_once_loaded()
    {
        var script = new RedisScript("return tonumber(ARGV[1]) * 2");
        await script.LoadAsync(redis);
        var batch = new RedisBatch();
        for (var i = 0; i < 100; i++)
        {
            batch.EvalSha(script, [], [(long)i]);
        }

        var replies = await redis.ExecuteAsync(batch);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => 2L * i), replies.Select(r => r.AsInt64()));
    }
}
