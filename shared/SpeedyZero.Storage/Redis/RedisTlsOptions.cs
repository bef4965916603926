using System.Security.Cryptography.X509Certificates;

namespace SpeedyZero.Storage.Redis;

/// <summary>TLS settings. The server's certificate is always verified.</summary>
public sealed record RedisTlsOptions
{
    /// <summary>Name the server certificate must carry; defaults to <see cref="RedisOptions.Host"/> when null.</summary>
    public string? TargetHost { get; init; }

    /// <summary>
    /// Extra trusted root for a private CA (the usual case in a cluster). When set, the chain must end at
    /// this certificate; when null, the system trust store decides.
    /// </summary>
    public X509Certificate2? CaCertificate { get; init; }

    /// <summary>Client certificate with private key, for servers with <c>tls-auth-clients yes</c> (Redis' default).</summary>
    public X509Certificate2? ClientCertificate { get; init; }
}
