namespace SpeedyZero.Training.Config;

/// <summary>
/// The service hosts' sections (<c>speedyzero actor|replay|reanalyzer|learner|evaluator</c>,
/// docs/deployment.md): where NATS, Redis and the metrics endpoint are and the process's node
/// name. The embedded trainer ignores them.
/// </summary>
public sealed partial record TrainingConfig
{
    /// <summary>Preset the file builds on (read by the service loader before the file itself; null: none).</summary>
    public string? Preset { get; init; }

    public NatsSection Nats { get; init; } = new();
    public RedisSection Redis { get; init; } = new();
    public MetricsSection Metrics { get; init; } = new();
    public NodeSection Node { get; init; } = new();

    /// <summary>Checks the service sections; throws <see cref="ConfigException"/> naming the first bad key.</summary>
    public TrainingConfig ValidateService()
    {
        Check.That(Uri.TryCreate(Nats.Url, UriKind.Absolute, out var nats) && nats.Scheme is "nats" or "tls" && nats.Port > 0,
            "nats.url", $"'{Nats.Url}' is not a nats://host:port URL");
        Check.That(Nats.Password is null || Nats.User is not null, "nats.user", "must be set when nats.password is");
        Check.That(Nats.CaFile is null || File.Exists(Nats.CaFile), "nats.ca_file", $"'{Nats.CaFile}' does not exist");
        Check.That(Redis.CaFile is null || Redis.Tls, "redis.tls", "must be true when redis.ca_file is set");
        Check.That(Redis.CaFile is null || File.Exists(Redis.CaFile), "redis.ca_file", $"'{Redis.CaFile}' does not exist");
        Check.That(TryParseEndpoint(Redis.Endpoint, out _, out _), "redis.endpoint", $"'{Redis.Endpoint}' is not host:port");
        Check.That(Metrics.Port is >= 0 and <= 65535, "metrics.port", "must be in 0..65535 (0: any free port)");
        Check.That(!string.IsNullOrWhiteSpace(Learner.RunDir), "learner.run_dir", "must name a folder");
        return this;
    }

    /// <summary>host:port (a bare host means port 6379).</summary>
    public static bool TryParseEndpoint(string endpoint, out string host, out int port)
    {
        host = endpoint;
        port = 6379;
        if (string.IsNullOrWhiteSpace(endpoint)) return false;
        var colon = endpoint.LastIndexOf(':');
        if (colon < 0) return true;
        host = endpoint[..colon];
        return host.Length > 0 && int.TryParse(endpoint[(colon + 1)..], out port) && port is > 0 and <= 65535;
    }
}

/// <summary>NATS server and credentials.</summary>
public sealed record NatsSection
{
    /// <summary>Server URL.</summary>
    public string Url { get; init; } = "nats://127.0.0.1:4222";

    /// <summary>User (from SPEEDYZERO__NATS__USER in the cluster; never in the file).</summary>
    public string? User { get; init; }

    /// <summary>Password (from SPEEDYZERO__NATS__PASSWORD).</summary>
    public string? Password { get; init; }

    /// <summary>PEM file of the CA that signed the server's certificate; set, the connection requires TLS.</summary>
    public string? CaFile { get; init; }
}

/// <summary>Redis server and credentials.</summary>
public sealed record RedisSection
{
    /// <summary>host:port.</summary>
    public string Endpoint { get; init; } = "127.0.0.1:6379";

    /// <summary>Password (from SPEEDYZERO__REDIS__PASSWORD).</summary>
    public string? Password { get; init; }

    /// <summary>Connect with TLS.</summary>
    public bool Tls { get; init; }

    /// <summary>PEM file of the CA that signed the server's certificate (with tls; none: the system's trust store).</summary>
    public string? CaFile { get; init; }
}

/// <summary>The /metrics, /healthz, /readyz listener.</summary>
public sealed record MetricsSection
{
    /// <summary>Port on 0.0.0.0 (0: any free port, printed at start).</summary>
    public int Port { get; init; } = 9090;

    /// <summary>Address to bind (127.0.0.1 for local clusters).</summary>
    public string Host { get; init; } = "0.0.0.0";
}

/// <summary>Which process this is.</summary>
public sealed record NodeSection
{
    /// <summary>Node name (the pod name in the cluster); logs and the client name carry it.</summary>
    public string? Id { get; init; }
}
