using SpeedyZero.Storage.Redis;

namespace SpeedyZero.Storage.Tests;

/// <summary>Values are bytes, not text: every byte value and big blobs survive unchanged.</summary>
public sealed class RedisBinaryTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly RedisConnection redis = fixture.Connection;

    [Fact]
    public async Task All_256_byte_values_survive_including_crlf_and_nul()
    {
        var value = Enumerable.Range(0, 256).Select(i => (byte)i).Concat("\r\n$-1\r\n*3\r\n"u8.ToArray()).ToArray();
        await redis.SetAsync("bin:all", value);
        Assert.Equal(value, (await redis.GetAsync("bin:all"))!.Value.ToArray());
        await redis.HSetAsync("bin:h", "f", value);
        Assert.Equal(value, (await redis.HGetAsync("bin:h", "f"))!.Value.ToArray());
        await redis.ZAddAsync("bin:z", value, 1);
        Assert.Equal(value, (await redis.ZRangeAsync("bin:z", 0, 0))[0].ToArray());
    }

    [Fact]
    public async Task Sixteen_megabyte_value_round_trips()
    {
        var value = new byte[16 * 1024 * 1024];
        new Random(7).NextBytes(value);
        await redis.SetAsync("bin:big", value);
        var back = (await redis.GetAsync("bin:big"))!.Value;
        Assert.Equal(value.Length, back.Length);
        Assert.True(value.AsSpan().SequenceEqual(back.Span));
        // Small commands still work behind it.
        Assert.Equal(1, await redis.IncrAsync("bin:after"));
    }

    [Fact]
    public async Task Empty_value_is_not_nil()
    {
        await redis.SetAsync("bin:empty", Array.Empty<byte>());
        var back = await redis.GetAsync("bin:empty");
        Assert.NotNull(back);
        Assert.Equal(0, back.Value.Length);
    }
}
