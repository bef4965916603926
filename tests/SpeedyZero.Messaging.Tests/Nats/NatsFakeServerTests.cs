using System.Text;
using SpeedyZero.Messaging.Nats;
using SpeedyZero.Testing;

namespace SpeedyZero.Messaging.Tests.Nats;

/// <summary>Protocol edge cases a real server rarely produces: split frames, garbage, keep-alive, a silent server.</summary>
public sealed class NatsFakeServerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Connect_sends_the_expected_options()
    {
        await using var fake = NatsFakeServer.Start();
        var accepting = fake.AcceptHandshakeAsync(Wait);
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = fake.Url, User = "u", Password = "p" });
        var client = await accepting;
        Assert.Contains("\"verbose\":false", client.ConnectJson);
        Assert.Contains("\"pedantic\":false", client.ConnectJson);
        Assert.Contains("\"headers\":true", client.ConnectJson);
        Assert.Contains("\"no_responders\":true", client.ConnectJson);
        Assert.Contains("\"user\":\"u\"", client.ConnectJson);
        Assert.DoesNotContain("auth_token", client.ConnectJson);
    }

    [Fact]
    public async Task Messages_split_into_single_bytes_are_reassembled()
    {
        await using var fake = NatsFakeServer.Start();
        var accepting = fake.AcceptHandshakeAsync(Wait);
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = fake.Url });
        var client = await accepting;
        var muxSub = await client.ReadLineAsync(Wait);
        Assert.StartsWith("SUB _INBOX.", muxSub);
        await using var subscription = await connection.SubscribeAsync("a.b");
        var sub = await client.ReadLineAsync(Wait);
        var sid = sub.Split(' ')[2];

        var frames = Encoding.ASCII.GetBytes(
            $"MSG a.b {sid} 5\r\nhello\r\nHMSG a.b {sid} reply.to 18 21\r\nNATS/1.0\r\nK: v\r\n\r\nabc\r\nPING\r\n");
        await client.SendSplitAsync(frames, 1, TimeSpan.Zero);
        var first = await subscription.NextAsync(Wait);
        var second = await subscription.NextAsync(Wait);
        Assert.Equal("hello", Encoding.ASCII.GetString(first.Data.Span));
        Assert.Equal("abc", Encoding.ASCII.GetString(second.Data.Span));
        Assert.Equal("reply.to", second.ReplyTo);
        Assert.Equal("v", second.Headers!["K"]);
        Assert.Equal("PONG", await client.ReadLineAsync(Wait));
    }

    [Fact]
    public async Task Garbage_from_server_is_a_protocol_error_then_reconnect()
    {
        await using var fake = NatsFakeServer.Start();
        var accepting = fake.AcceptHandshakeAsync(Wait);
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with
        {
            Url = fake.Url, ReconnectWaitMin = TimeSpan.FromMilliseconds(10), ReconnectWaitMax = TimeSpan.FromMilliseconds(50),
        });
        var client = await accepting;
        var reconnecting = fake.AcceptHandshakeAsync(Wait);
        await client.SendAsync("BOGUS stuff\r\n"u8.ToArray());
        await reconnecting;
        await NatsReconnectTests.WaitUntil(() => connection.Counters.Snapshot().Reconnects == 1);
        Assert.Equal(1, connection.Counters.Snapshot().ProtocolErrors);
        Assert.IsType<NatsProtocolException>(connection.LastError);
    }

    [Fact]
    public async Task Oversized_control_line_is_refused_before_buffering_it_all()
    {
        await using var fake = NatsFakeServer.Start();
        var accepting = fake.AcceptHandshakeAsync(Wait);
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with
        {
            Url = fake.Url, MaxControlLineBytes = 1024, ReconnectWaitMin = TimeSpan.FromSeconds(5),
        });
        var client = await accepting;
        await client.SendAsync(Encoding.ASCII.GetBytes("MSG " + new string('x', 4000)));
        await NatsReconnectTests.WaitUntil(() => connection.Counters.Snapshot().ProtocolErrors == 1);
        Assert.Contains("control line", connection.LastError!.Message);
    }

    [Fact]
    public async Task Silent_server_is_declared_stale_after_missed_pongs()
    {
        await using var fake = NatsFakeServer.Start();
        var accepting = fake.AcceptHandshakeAsync(Wait);
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with
        {
            Url = fake.Url, PingInterval = TimeSpan.FromMilliseconds(50), MaxPingsOut = 2, ReconnectWaitMin = TimeSpan.FromSeconds(5),
        });
        await accepting;
        await NatsReconnectTests.WaitUntil(() => connection.State != NatsConnectionState.Connected);
        Assert.IsType<NatsTimeoutException>(connection.LastError);
        Assert.Contains("stale connection", connection.LastError!.Message);
    }

    [Fact]
    public async Task Handshake_timeout_when_server_never_answers()
    {
        await using var fake = NatsFakeServer.Start();
        var accepting = fake.AcceptAsync(Wait);
        var error = await Assert.ThrowsAsync<NatsTimeoutException>(() =>
            NatsConnection.ConnectAsync(NatsOptions.Default with { Url = fake.Url, ConnectTimeout = TimeSpan.FromMilliseconds(300) }));
        Assert.Contains("did not finish", error.Message);
        await accepting;
    }

    [Fact]
    public async Task Server_err_after_connect_is_counted_not_fatal()
    {
        await using var fake = NatsFakeServer.Start();
        var accepting = fake.AcceptHandshakeAsync(Wait);
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = fake.Url });
        var client = await accepting;
        await client.SendAsync("-ERR 'Permissions Violation for Publish to x'\r\nPING\r\n"u8.ToArray());
        Assert.Equal("SUB", (await client.ReadLineAsync(Wait))[..3]);
        Assert.Equal("PONG", await client.ReadLineAsync(Wait));
        Assert.Equal(1, connection.Counters.Snapshot().ServerErrors);
        Assert.Equal(NatsConnectionState.Connected, connection.State);
    }
}
