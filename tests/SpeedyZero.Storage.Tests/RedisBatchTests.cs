using System.Globalization;
using SpeedyZero.Storage.Redis;

namespace SpeedyZero.Storage.Tests;

/// <summary>Pipelining: many commands written at once, replies matched in order.</summary>
public sealed class RedisBatchTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly RedisConnection redis = fixture.Connection;

    [Fact]
    public async Task Ten_thousand_commands_go_out_in_one_write_and_all_replies_match()
    {
        const int n = 10_000;
        var processedBefore = await CommandsProcessedAsync();
        var batch = new RedisBatch();
        for (var i = 0; i < n / 2; i++)
        {
            batch.Set($"batch:{i}", $"value-{i}");
        }

        for (var i = 0; i < n / 2; i++)
        {
            batch.Get($"batch:{i}");
        }

        Assert.Equal(n, batch.Count);
        var writesBefore = redis.Statistics.Writes;
        var replies = await redis.ExecuteAsync(batch);
        // All 10k commands were handed to the writer in one piece, before any reply was awaited.
        Assert.Equal(writesBefore + 1, redis.Statistics.Writes);
        Assert.Equal(n, replies.Length);
        for (var i = 0; i < n / 2; i++)
        {
            Assert.Equal("OK", replies[i].AsString());
            Assert.Equal($"value-{i}", replies[(n / 2) + i].AsString());
        }

        // The server ran every one of them (+1 for the INFO below, +1 for the INFO above).
        Assert.Equal(processedBefore + n + 1, await CommandsProcessedAsync());
    }

    [Fact]
    public async Task Error_replies_stay_in_place_inside_a_batch()
    {
        var batch = new RedisBatch();
        var set = batch.Set("batch:e", "text");
        var bad = batch.ZAdd("batch:e", "m", 1);
        var get = batch.Get("batch:e");
        var replies = await redis.ExecuteAsync(batch);
        Assert.Equal("OK", replies[set].AsString());
        Assert.True(replies[bad].IsError);
        Assert.Throws<RedisException>(() => replies[bad].ThrowIfError());
        Assert.Equal("text", replies[get].AsString());
    }

    [Fact]
    public async Task A_batch_can_be_cleared_and_reused()
    {
        var batch = new RedisBatch();
        batch.Incr("batch:r");
        Assert.Equal(1, (await redis.ExecuteAsync(batch))[0].AsInt64());
        Assert.Equal(2, (await redis.ExecuteAsync(batch))[0].AsInt64());
        batch.Clear();
        Assert.Empty(await redis.ExecuteAsync(batch));
        batch.HSet("batch:h", "f", 7L);
        batch.HGet("batch:h", "f");
        batch.Expire("batch:h", TimeSpan.FromMinutes(1));
        batch.Del("batch:h");
        var replies = await redis.ExecuteAsync(batch);
        Assert.Equal("7", replies[1].AsString());
        Assert.Equal(1, replies[2].AsInt64());
        Assert.Equal(1, replies[3].AsInt64());
    }

    [Fact]
    public async Task Concurrent_batches_and_single_commands_do_not_interleave_replies()
    {
        var tasks = Enumerable.Range(0, 20).Select(async t =>
        {
            var batch = new RedisBatch();
            for (var i = 0; i < 200; i++)
            {
                batch.Set($"batch:t{t}:{i}", i);
                batch.Get($"batch:t{t}:{i}");
            }

            var single = redis.IncrAsync($"batch:single:{t}");
            var replies = await redis.ExecuteAsync(batch);
            Assert.Equal(1, await single);
            for (var i = 0; i < 200; i++)
            {
                Assert.Equal(i.ToString(CultureInfo.InvariantCulture), replies[(2 * i) + 1].AsString());
            }
        });
        await Task.WhenAll(tasks);
    }

    private async Task<long> CommandsProcessedAsync()
    {
        var info = (await redis.ExecuteAsync(["INFO", "stats"])).AsString()!;
        var line = info.Split("\r\n").Single(l => l.StartsWith("total_commands_processed:", StringComparison.Ordinal));
        return long.Parse(line[(line.IndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }
}
