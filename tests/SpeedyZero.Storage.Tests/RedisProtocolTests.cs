using System.Text;
using SpeedyZero.Storage.Redis;

namespace SpeedyZero.Storage.Tests;

/// <summary>Malformed and hostile replies from a scripted server: caps hold, errors say where.</summary>
public sealed class RedisProtocolTests
{
    [Theory]
    [InlineData("$600000000000\r\n", "bulk length")]
    [InlineData("$-5\r\n", "bulk length")]
    [InlineData("*2000000\r\n", "array count")]
    [InlineData("!3\r\nabc\r\n", "unknown reply type")]
    [InlineData(":12x\r\n", "not an integer")]
    [InlineData(":1\n", "without CR")]
    [InlineData("$3\r\nabcXY", "CRLF")]
    public async Task Malformed_reply_fails_the_command_with_the_offset(string reply, string expected)
    {
        var error = await RunAsync(reply, RedisOptions.Default);
        var protocol = Assert.IsType<RedisProtocolException>(error.InnerException);
        Assert.Contains(expected, protocol.Message, StringComparison.Ordinal);
        Assert.Equal(7, protocol.Offset); // right after the handshake's "+PONG\r\n"
    }

    [Fact]
    public async Task Nesting_depth_is_capped()
    {
        var deep = string.Concat(Enumerable.Repeat("*1\r\n", 20)) + ":1\r\n";
        var error = await RunAsync(deep, RedisOptions.Default with { MaxNestingDepth = 8 });
        Assert.Contains("nested deeper", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endless_status_line_is_capped()
    {
        var error = await RunAsync("+" + new string('a', 5000), RedisOptions.Default with { MaxLineLength = 1024 });
        Assert.Contains("longer than 1024", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configured_bulk_cap_applies()
    {
        var error = await RunAsync("$2048\r\n", RedisOptions.Default with { MaxBulkLength = 1024 });
        Assert.Contains("outside 0..1024", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_trickling_in_one_byte_at_a_time_is_assembled()
    {
        var reply = "*3\r\n$5\r\nhello\r\n:42\r\n*2\r\n$-1\r\n+OK\r\n"u8.ToArray();
        await using var server = new RedisFakeServer(async stream =>
        {
            await RedisFakeServer.ReadUntilAsync(stream, "GET");
            foreach (var b in reply)
            {
                await stream.WriteAsync(new[] { b });
                await stream.FlushAsync();
                await Task.Delay(2);
            }

            await RedisFakeServer.WaitForHangUpAsync(stream);
        });
        await using var redis = await RedisConnection.ConnectAsync(server.ClientOptions());
        var result = (await redis.ExecuteAsync(["GET", "x"])).AsArray();
        Assert.Equal("hello", result[0].AsString());
        Assert.Equal(42, result[1].AsInt64());
        Assert.True(result[2].AsArray()[0].IsNull);
        Assert.Equal("OK", result[2].AsArray()[1].AsString());
    }

    [Fact]
    public async Task Silent_server_trips_the_reply_timeout_with_state()
    {
        // Answers the handshake, then nothing. The reply timeout also limits the handshake's PONG: should a
        // starved machine miss it, the client connects again within its (generous) reconnect budget.
        await using var server = new RedisFakeServer(stream => RedisFakeServer.WaitForHangUpAsync(stream));
        await using var redis = await RedisConnection.ConnectAsync(server.ClientOptions() with
        {
            ReplyTimeout = TimeSpan.FromMilliseconds(500),
            ReconnectTimeout = TimeSpan.FromSeconds(30),
        });
        var error = await Assert.ThrowsAsync<RedisConnectionException>(async () => await redis.GetAsync("x"));
        Assert.Contains("no reply within", error.Message, StringComparison.Ordinal);
        Assert.Contains("in-flight=", error.State, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_closing_mid_reply_fails_the_command()
    {
        await using var server = new RedisFakeServer(async stream =>
        {
            await RedisFakeServer.ReadUntilAsync(stream, "GET");
            await stream.WriteAsync("$10\r\nabc"u8.ToArray());
        });
        await using var redis = await RedisConnection.ConnectAsync(
            server.ClientOptions() with { ReconnectTimeout = TimeSpan.FromMilliseconds(200) });
        var error = await Assert.ThrowsAsync<RedisConnectionException>(async () => await redis.GetAsync("x"));
        Assert.Contains("middle of a reply", error.Message, StringComparison.Ordinal);
    }

    private static async Task<RedisConnectionException> RunAsync(string reply, RedisOptions options)
    {
        await using var server = new RedisFakeServer(async stream =>
        {
            await RedisFakeServer.ReadUntilAsync(stream, "GET");
            await stream.WriteAsync(Encoding.Latin1.GetBytes(reply));
            // Stay connected: the command must fail on the bad bytes, not on the end of the stream.
            await RedisFakeServer.WaitForHangUpAsync(stream);
        });
        await using var redis = await RedisConnection.ConnectAsync(
            server.ClientOptions(options) with { ReconnectTimeout = TimeSpan.FromMilliseconds(200) });
        return await Assert.ThrowsAsync<RedisConnectionException>(async () => await redis.GetAsync("x"));
    }
}
