using System.Diagnostics;
using System.Text;
using SpeedyZero.Storage.Redis;

namespace SpeedyZero.Storage.Tests;

/// <summary>Every typed command against a real server.</summary>
public sealed class RedisCommandTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly RedisConnection redis = fixture.Connection;

    [Fact]
    public async Task Set_and_get_round_trip_text_and_bytes()
    {
        Assert.True(await redis.SetAsync("cmd:s1", "hello"));
        Assert.Equal("hello", await redis.GetStringAsync("cmd:s1"));
        Assert.True(await redis.SetAsync("cmd:s2", new byte[] { 0, 1, 2 }));
        Assert.Equal(new byte[] { 0, 1, 2 }, (await redis.GetAsync("cmd:s2"))!.Value.ToArray());
        Assert.Null(await redis.GetAsync("cmd:missing"));
        Assert.True(await redis.SetAsync("cmd:s3", 42L));
        Assert.Equal("42", await redis.GetStringAsync("cmd:s3"));
    }

    [Fact]
    public async Task Set_conditions_and_expiry()
    {
        Assert.True(await redis.SetAsync("cmd:nx", "a", condition: SetCondition.IfNotExists));
        Assert.False(await redis.SetAsync("cmd:nx", "b", condition: SetCondition.IfNotExists));
        Assert.Equal("a", await redis.GetStringAsync("cmd:nx"));
        Assert.False(await redis.SetAsync("cmd:xx", "a", condition: SetCondition.IfExists));
        Assert.True(await redis.SetAsync("cmd:nx", "c", condition: SetCondition.IfExists));
        Assert.Equal("c", await redis.GetStringAsync("cmd:nx"));

        // PX carries milliseconds. A long expiry is read back, so a slow machine cannot race it.
        Assert.True(await redis.SetAsync("cmd:pxlong", "v", TimeSpan.FromMilliseconds(100_150)));
        Assert.InRange(await redis.PttlAsync("cmd:pxlong"), 90_000, 100_150);

        // A short expiry really expires, and not before its time: poll PTTL (never above 150 ms while the
        // key lives) until the key is gone, instead of sleeping a fixed time and hoping the server kept up.
        var sinceSet = Stopwatch.StartNew();
        Assert.True(await redis.SetAsync("cmd:px", "v", TimeSpan.FromMilliseconds(150)));
        long ttl;
        while ((ttl = await redis.PttlAsync("cmd:px")) != -2 && sinceSet.Elapsed < TimeSpan.FromSeconds(30))
        {
            Assert.InRange(ttl, 0, 150);
            await Task.Delay(10);
        }

        Assert.Equal(-2, ttl);
        Assert.Null(await redis.GetAsync("cmd:px"));
        Assert.True(sinceSet.ElapsedMilliseconds >= 150, $"expired after {sinceSet.ElapsedMilliseconds} ms");

        Assert.True(await redis.SetAsync("cmd:ex", "v"));
        Assert.Equal(-1, await redis.PttlAsync("cmd:ex"));
        Assert.True(await redis.ExpireAsync("cmd:ex", TimeSpan.FromSeconds(100)));
        Assert.InRange(await redis.PttlAsync("cmd:ex"), 90_000, 100_000);
        Assert.False(await redis.ExpireAsync("cmd:nothing", TimeSpan.FromSeconds(1)));
        Assert.Equal(-2, await redis.PttlAsync("cmd:nothing"));
    }

    [Fact]
    public async Task Mget_del_exists_incr()
    {
        await redis.SetAsync("cmd:m1", "1");
        await redis.SetAsync("cmd:m3", "3");
        var values = await redis.MGetAsync(["cmd:m1", "cmd:m2", "cmd:m3"]);
        Assert.Equal(3, values.Length);
        Assert.Equal("1", Encoding.UTF8.GetString(values[0]!.Value.Span));
        Assert.Null(values[1]);
        Assert.Equal("3", Encoding.UTF8.GetString(values[2]!.Value.Span));

        Assert.Equal(2, await redis.ExistsAsync(["cmd:m1", "cmd:m2", "cmd:m3"]));
        Assert.Equal(2, await redis.DelAsync(["cmd:m1", "cmd:m2", "cmd:m3"]));
        Assert.Equal(0, await redis.ExistsAsync(["cmd:m1", "cmd:m3"]));

        Assert.Equal(1, await redis.IncrAsync("cmd:counter"));
        Assert.Equal(2, await redis.IncrAsync("cmd:counter"));
        Assert.Equal(12, await redis.IncrByAsync("cmd:counter", 10));
    }

    [Fact]
    public async Task Hashes()
    {
        Assert.Equal(1, await redis.HSetAsync("cmd:h", "a", "1"));
        Assert.Equal(0, await redis.HSetAsync("cmd:h", "a", "one"));
        Assert.Equal(2, await redis.HSetAsync("cmd:h", [new("b", (RedisArg)new byte[] { 0xff, 0 }), new("c", (RedisArg)3L)]));
        Assert.Equal("one", Encoding.UTF8.GetString((await redis.HGetAsync("cmd:h", "a"))!.Value.Span));
        Assert.Null(await redis.HGetAsync("cmd:h", "zz"));

        var several = await redis.HMGetAsync("cmd:h", ["c", "zz", "b"]);
        Assert.Equal("3", Encoding.UTF8.GetString(several[0]!.Value.Span));
        Assert.Null(several[1]);
        Assert.Equal(new byte[] { 0xff, 0 }, several[2]!.Value.ToArray());

        var all = await redis.HGetAllAsync("cmd:h");
        Assert.Equal(["a", "b", "c"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, await redis.HDelAsync("cmd:h", ["a", "b", "zz"]));
        Assert.Single(await redis.HGetAllAsync("cmd:h"));
        Assert.Empty(await redis.HGetAllAsync("cmd:nohash"));
    }

    [Fact]
    public async Task Sorted_sets()
    {
        Assert.Equal(1, await redis.ZAddAsync("cmd:z", "b", 2.5));
        Assert.Equal(2, await redis.ZAddAsync("cmd:z", [("a", 1.0), ("c", 3.0), ("b", 2.0)]));
        Assert.Equal(3, await redis.ZCardAsync("cmd:z"));
        Assert.Equal(2.0, await redis.ZScoreAsync("cmd:z", "b"));
        Assert.Null(await redis.ZScoreAsync("cmd:z", "zz"));

        var members = await redis.ZRangeAsync("cmd:z", 0, -1);
        Assert.Equal(["a", "b", "c"], members.Select(m => Encoding.UTF8.GetString(m.Span)));
        var top = await redis.ZRangeWithScoresAsync("cmd:z", -1, -1);
        Assert.Equal(new SortedSetEntry[] { new(top[0].Member, 3.0) }, top);
        Assert.Equal("c", top[0].MemberText);

        var mid = await redis.ZRangeByScoreAsync("cmd:z", 1.5, double.PositiveInfinity);
        Assert.Equal(["b", "c"], mid.Select(e => e.MemberText));
        var paged = await redis.ZRangeByScoreAsync("cmd:z", double.NegativeInfinity, double.PositiveInfinity, offset: 1, count: 1);
        Assert.Equal("b", Assert.Single(paged).MemberText);

        Assert.Equal(2, await redis.ZRemAsync("cmd:z", ["a", "c", "nope"]));
        Assert.Equal(1, await redis.ZCardAsync("cmd:z"));
        Assert.Equal(0, await redis.ZCardAsync("cmd:nozset"));
    }

    [Fact]
    public async Task Lists()
    {
        Assert.Equal(3, await redis.RPushAsync("cmd:l", ["x", "y", new byte[] { 0 }]));
        Assert.Equal(3, await redis.LLenAsync("cmd:l"));
        Assert.Equal(["x", "y", "\0"], (await redis.LRangeAsync("cmd:l", 0, -1)).Select(m => Encoding.UTF8.GetString(m.Span)));
        Assert.Equal("x", Encoding.UTF8.GetString((await redis.LPopAsync("cmd:l"))!.Value.Span));
        Assert.Null(await redis.LPopAsync("cmd:nolist"));
    }

    [Fact]
    public async Task Server_error_carries_the_servers_text_and_prefix()
    {
        await redis.SetAsync("cmd:str", "v");
        var error = await Assert.ThrowsAsync<RedisException>(async () => await redis.ZCardAsync("cmd:str"));
        Assert.Equal("WRONGTYPE", error.ErrorPrefix);
        Assert.Contains("WRONGTYPE", error.ServerMessage, StringComparison.Ordinal);

        var unknown = await redis.ExecuteAsync(["NOSUCHCOMMAND", "x"]);
        Assert.True(unknown.IsError);
        Assert.StartsWith("ERR", unknown.ErrorMessage, StringComparison.Ordinal);
        // The connection keeps working after error replies.
        Assert.Equal("v", await redis.GetStringAsync("cmd:str"));
    }

    [Fact]
    public async Task Select_switches_database_and_isolates_keys()
    {
        await using var other = await RedisConnection.ConnectAsync(fixture.Options with { Database = 3 });
        await other.SetAsync("cmd:db", "three");
        Assert.Null(await redis.GetAsync("cmd:db"));
        await other.SelectAsync(0);
        Assert.Null(await other.GetAsync("cmd:db"));
        await other.SelectAsync(3);
        Assert.Equal("three", await other.GetStringAsync("cmd:db"));
        await Assert.ThrowsAsync<RedisException>(async () => await other.SelectAsync(99999));
    }

    [Fact]
    public async Task Many_concurrent_callers_each_get_their_own_reply()
    {
        var tasks = Enumerable.Range(0, 2000).Select(async i =>
        {
            await redis.SetAsync($"cmd:c:{i}", i);
            return (i, await redis.GetStringAsync($"cmd:c:{i}"));
        }).ToList();
        foreach (var (i, value) in await Task.WhenAll(tasks))
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), value);
        }

        var increments = Enumerable.Range(0, 1000).Select(_ => redis.IncrAsync("cmd:c:counter").AsTask());
        await Task.WhenAll(increments);
        Assert.Equal("1000", await redis.GetStringAsync("cmd:c:counter"));
    }

    [Fact]
    public async Task Cancelling_a_wait_leaves_the_connection_in_step()
    {
        using var cts = new CancellationTokenSource();
        // BLPOP blocks server-side until another client pushes, which happens only after the cancel, so the
        // reply cannot beat the cancel however slow the machine. Its reply (the pushed element) must then be
        // consumed and dropped, not handed to the next command.
        var blocked = redis.ExecuteAsync(["BLPOP", "cmd:cancel-list", 30], cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        await using (var other = await RedisConnection.ConnectAsync(fixture.Options))
        {
            Assert.Equal(1, await other.RPushAsync("cmd:cancel-list", ["popped"]));
        }

        await redis.SetAsync("cmd:after-cancel", "fine");
        Assert.Equal("fine", await redis.GetStringAsync("cmd:after-cancel"));
        Assert.Equal(0, await redis.LLenAsync("cmd:cancel-list"));
    }

    [Fact]
    public async Task Nan_is_refused_before_anything_is_sent()
    {
        Assert.Throws<ArgumentException>(() => redis.ZAddAsync("cmd:nan", "m", double.NaN));
        Assert.Equal(0, await redis.ZCardAsync("cmd:nan"));
    }
}
