namespace SpeedyZero.Messaging.Nats;

/// <summary>
/// Connection options. Immutable; start from <see cref="Default"/> and change with <c>with</c>.
/// docs/nats.md lists every option with its default; a test keeps the two in agreement.
/// </summary>
public sealed record NatsOptions
{
    /// <summary>The documented defaults.</summary>
    public static NatsOptions Default { get; } = new();

    /// <summary>Server address: nats://host:port or tls://host:port (tls:// requires TLS).</summary>
    public string Url { get; init; } = "nats://127.0.0.1:4222";

    /// <summary>Client name shown by the server's monitoring.</summary>
    public string Name { get; init; } = "speedyzero";

    /// <summary>User for user/password auth; null for none.</summary>
    public string? User { get; init; }

    /// <summary>Password for user/password auth.</summary>
    public string? Password { get; init; }

    /// <summary>Token for token auth; null for none.</summary>
    public string? Token { get; init; }

    /// <summary>Fail unless the connection is TLS (also implied by a tls:// URL).</summary>
    public bool TlsRequired { get; init; }

    /// <summary>PEM file of the CA that signed the server certificate; null uses the system store.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>Name checked against the server certificate; null uses the URL host.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>Time allowed for TCP connect, TLS and the CONNECT/PING/PONG handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Interval between keep-alive PINGs.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Unanswered PINGs after which the connection is declared dead and reconnected.</summary>
    public int MaxPingsOut { get; init; } = 2;

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="ReconnectWaitMax"/>.</summary>
    public TimeSpan ReconnectWaitMin { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest reconnect delay (plus up to 20% jitter).</summary>
    public TimeSpan ReconnectWaitMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Reconnect attempts before the connection closes for good; -1 retries forever.</summary>
    public int MaxReconnectAttempts { get; init; } = -1;

    /// <summary>Bytes of publishes kept while disconnected; more is an error (counted).</summary>
    public int ReconnectBufferBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Bytes queued for the socket before publishers wait (back-pressure).</summary>
    public int WriteBufferBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Messages queued per subscription before the slow-consumer policy drops.</summary>
    public int SubscriptionCapacity { get; init; } = 1024;

    /// <summary>Which message a full subscription drops.</summary>
    public SlowConsumerPolicy SlowConsumerPolicy { get; init; } = SlowConsumerPolicy.DropNewest;

    /// <summary>Default timeout of a request/reply.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest protocol control line accepted from the server (INFO included).</summary>
    public int MaxControlLineBytes { get; init; } = 64 * 1024;

    /// <summary>Largest header block accepted from the server.</summary>
    public int MaxHeaderBytes { get; init; } = 64 * 1024;

    /// <summary>Prefix of the shared reply inbox.</summary>
    public string InboxPrefix { get; init; } = "_INBOX";

    /// <summary>Whether the server echoes this connection's own publishes to its subscriptions.</summary>
    public bool Echo { get; init; } = true;
}
