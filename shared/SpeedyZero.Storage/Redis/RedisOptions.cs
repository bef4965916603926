namespace SpeedyZero.Storage.Redis;

/// <summary>How to reach and talk to one Redis server. Immutable; start from <see cref="Default"/>.</summary>
public sealed record RedisOptions
{
    /// <summary>
    /// 127.0.0.1:6379, no auth, database 0, no TLS, 512 MB bulk cap (Redis' own proto-max-bulk-len),
    /// 1M array elements, depth 16, 64 KB lines, 5 s connect, 30 s reply timeout,
    /// reconnect back-off 50 ms doubling to 2 s for at most 10 s.
    /// </summary>
    public static RedisOptions Default { get; } = new();

    /// <summary>Server host name or address.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Server TCP port.</summary>
    public int Port { get; init; } = 6379;

    /// <summary>ACL user for AUTH; null uses the legacy single-password form (AUTH password).</summary>
    public string? User { get; init; }

    /// <summary>Password for AUTH; null sends no AUTH.</summary>
    public string? Password { get; init; }

    /// <summary>Database selected on every (re)connect.</summary>
    public int Database { get; init; }

    /// <summary>Name shown by CLIENT LIST; null sets none.</summary>
    public string? ClientName { get; init; }

    /// <summary>TLS settings; null means plain TCP.</summary>
    public RedisTlsOptions? Tls { get; init; }

    /// <summary>Largest bulk string accepted from the server, in bytes; checked before allocating.</summary>
    public long MaxBulkLength { get; init; } = 512L * 1024 * 1024;

    /// <summary>Largest array element count accepted from the server; checked before allocating.</summary>
    public int MaxArrayLength { get; init; } = 1 << 20;

    /// <summary>Deepest nesting of arrays accepted from the server.</summary>
    public int MaxNestingDepth { get; init; } = 16;

    /// <summary>Longest status, error or integer line accepted from the server, in bytes.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>Limit for one TCP (and TLS) connect plus handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The oldest command in flight may wait this long for its reply; past it the connection is declared
    /// dead, every command in flight fails with <see cref="RedisConnectionException"/> and the next
    /// command reconnects.
    /// </summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First pause between reconnect attempts; doubles up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest pause between reconnect attempts.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A command that finds the connection down keeps trying to reconnect this long before it fails.</summary>
    public TimeSpan ReconnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    internal string Endpoint => $"{Host}:{Port}";
}
