using SpeedyZero.Storage.Redis;

namespace SpeedyZero.Storage.Tests;

/// <summary>The documented defaults are the real ones.</summary>
public sealed class RedisOptionsTests
{
    [Fact]
    public void Default_matches_its_documentation()
    {
        var o = RedisOptions.Default;
        Assert.Equal(("127.0.0.1", 6379, null, null, 0, null, null), (o.Host, o.Port, o.User, o.Password, o.Database, o.ClientName, o.Tls));
        Assert.Equal(512L * 1024 * 1024, o.MaxBulkLength);
        Assert.Equal(1 << 20, o.MaxArrayLength);
        Assert.Equal(16, o.MaxNestingDepth);
        Assert.Equal(64 * 1024, o.MaxLineLength);
        Assert.Equal(TimeSpan.FromSeconds(5), o.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), o.ReplyTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(50), o.ReconnectMinDelay);
        Assert.Equal(TimeSpan.FromSeconds(2), o.ReconnectMaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), o.ReconnectTimeout);
    }
}
