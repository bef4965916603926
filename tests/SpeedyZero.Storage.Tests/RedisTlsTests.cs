using System.Security.Cryptography.X509Certificates;
using SpeedyZero.Storage.Redis;
using SpeedyZero.Testing;

namespace SpeedyZero.Storage.Tests;

/// <summary>TLS against Debian's redis-server (built with TLS): verified server, client certificates.</summary>
public sealed class RedisTlsTests : IAsyncLifetime
{
    private RedisTestCertificates certificates = null!;
    private RedisServer server = null!;

    public async Task InitializeAsync()
    {
        certificates = RedisTestCertificates.Create();
        server = await RedisServer.StartAsync(new RedisServerSettings { Tls = certificates.ServerTls(requireClientCertificates: true) });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        certificates.Dispose();
    }

    [Fact]
    public async Task Commands_work_over_tls_with_a_client_certificate()
    {
        await using var redis = await RedisConnection.ConnectAsync(Options(certificates.Ca, certificates.Client));
        var value = new byte[1 << 20];
        new Random(3).NextBytes(value);
        await redis.SetAsync("tls:k", value);
        var back = (await redis.GetAsync("tls:k"))!.Value;
        Assert.True(value.AsSpan().SequenceEqual(back.Span));
        var batch = new RedisBatch();
        for (var i = 0; i < 1000; i++)
        {
            batch.Incr("tls:n");
        }

        Assert.Equal(1000, (await redis.ExecuteAsync(batch))[^1].AsInt64());
    }

    [Fact]
    public async Task Server_signed_by_an_unknown_ca_is_refused()
    {
        using var other = RedisTestCertificates.Create();
        var error = await Assert.ThrowsAsync<RedisAuthenticationException>(
            () => RedisConnection.ConnectAsync(Options(other.Ca, certificates.Client)));
        Assert.Contains("TLS handshake", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_name_must_match()
    {
        var options = Options(certificates.Ca, certificates.Client) with
        {
            Tls = new RedisTlsOptions { CaCertificate = certificates.Ca, ClientCertificate = certificates.Client, TargetHost = "redis.example" },
        };
        await Assert.ThrowsAsync<RedisAuthenticationException>(() => RedisConnection.ConnectAsync(options));
    }

    [Fact]
    public async Task Missing_client_certificate_is_refused_by_the_server()
    {
        await Assert.ThrowsAnyAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(Options(certificates.Ca, null)));
    }

    // A short reconnect budget so refusals end quickly, and a generous limit for one connect plus TLS
    // handshake: none of these tests is about speed, and a starved machine must not turn into a refusal.
    private RedisOptions Options(X509Certificate2 ca, X509Certificate2? client) => RedisOptions.Default with
    {
        Port = server.TlsPort!.Value,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        ReconnectTimeout = TimeSpan.FromSeconds(1),
        Tls = new RedisTlsOptions { CaCertificate = ca, ClientCertificate = client, TargetHost = "localhost" },
    };
}
