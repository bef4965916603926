namespace SpeedyZero.LocalServers;

/// <summary>How a test's redis-server is started.</summary>
public sealed record RedisServerSettings
{
    /// <summary>Plain server, no password, no persistence.</summary>
    public static RedisServerSettings Default { get; } = new();

    /// <summary>Sets <c>requirepass</c> when not null.</summary>
    public string? Password { get; init; }

    /// <summary>Turns on the append-only file (fsync on every write).</summary>
    public bool AppendOnly { get; init; }

    /// <summary>Adds a TLS port next to the plain one (the plain port stays for readiness probes and SHUTDOWN).</summary>
    public RedisServerTls? Tls { get; init; }
}

/// <summary>PEM files for a TLS port; <paramref name="RequireClientCertificates"/> maps to tls-auth-clients.</summary>
public sealed record RedisServerTls(string CertificateFile, string KeyFile, string CaFile, bool RequireClientCertificates);
