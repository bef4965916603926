using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Prometheus;
using SpeedyZero.Training.Config;
using StackExchange.Redis;

namespace SpeedyZero.Cluster;

/// <summary>
/// One process's connections and shared services: one <see cref="NatsConnection"/> (with its
/// JetStream context), one <see cref="ConnectionMultiplexer"/>, the run's names, the process's
/// metrics and decode-error accounting. The host creates it once and hands it to every adapter.
/// </summary>
public sealed class ClusterContext : IAsyncDisposable
{
    private long streamsEnsuredAt;

    private ClusterContext(TrainingConfig config, NatsConnection nats, ConnectionMultiplexer redis, ClusterNames names, IMetricFactory metrics, ILogger logger)
    {
        Config = config;
        Nats = nats;
        JetStream = new NatsJSContext(nats);
        Redis = redis;
        Db = redis.GetDatabase();
        Names = names;
        Metrics = metrics;
        Logger = logger;
        DecodeErrors = new DecodeErrors(metrics, logger);
        RedisErrors = metrics.CreateCounter("speedyzero_redis_errors_total", "Redis commands that failed (error reply, timeout, lost connection).");
        NatsReconnects = metrics.CreateCounter("speedyzero_nats_reconnects_total", "Reconnections to the NATS server.");
        var dropped = metrics.CreateCounter("speedyzero_queue_dropped_total", "Items dropped by a full bounded in-process queue, by queue name.", ["queue"])
            .WithLabels("nats_subscription");
        // A full subscription drops (never blocks the connection); each drop is counted.
        nats.MessageDropped += (_, _) =>
        {
            dropped.Inc();
            return ValueTask.CompletedTask;
        };
        nats.ConnectionOpened += (_, _) =>
        {
            if (Interlocked.Exchange(ref opened, 1) == 1) NatsReconnects.Inc();
            return ValueTask.CompletedTask;
        };
        redis.ConnectionFailed += (_, e) => logger.LogWarning("Redis connection lost ({Type}): {Error}", e.FailureType, e.Exception?.Message);
    }

    private int opened = 1;

    /// <summary>The process's configuration (stream limits follow from it).</summary>
    public TrainingConfig Config { get; }

    public NatsConnection Nats { get; }
    public INatsJSContext JetStream { get; }
    public ConnectionMultiplexer Redis { get; }
    public IDatabase Db { get; }
    public ClusterNames Names { get; }
    public IMetricFactory Metrics { get; }
    public ILogger Logger { get; }
    public DecodeErrors DecodeErrors { get; }
    public Counter RedisErrors { get; }
    public Counter NatsReconnects { get; }

    /// <summary>The connected NATS server's max_payload.</summary>
    public long MaxPayload => Nats.ServerInfo?.MaxPayload ?? 1024 * 1024;

    public bool NatsConnected => Nats.ConnectionState == NatsConnectionState.Open;

    /// <summary>Connects to both servers, retrying until <paramref name="cancellationToken"/> fires (servers may start after the role).</summary>
    public static async Task<ClusterContext> ConnectAsync(TrainingConfig config, string clientName, IMetricFactory metrics, ILogger logger,
        CancellationToken cancellationToken, string prefix = "sz")
    {
        var nats = new NatsConnection(NatsOptions(config, clientName));
        try
        {
            await RetryAsync(async () => { await nats.ConnectAsync(); return true; }, "NATS", config.Nats.Url, logger, cancellationToken);
            var redis = await RetryAsync(() => ConnectionMultiplexer.ConnectAsync(RedisOptions(config, clientName)), "Redis", config.Redis.Endpoint, logger,
                cancellationToken);
            return new ClusterContext(config, nats, redis, new ClusterNames(prefix), metrics, logger);
        }
        catch
        {
            await nats.DisposeAsync();
            throw;
        }
    }

    /// <summary>NATS options from the config: URL (tls:// asks for TLS), credentials, CA file, bounded subscriptions that drop when full.</summary>
    public static NatsOpts NatsOptions(TrainingConfig config, string clientName) => NatsOpts.Default with
    {
        Url = config.Nats.Url,
        Name = clientName,
        AuthOpts = config.Nats.User is null ? NatsAuthOpts.Default : NatsAuthOpts.Default with { Username = config.Nats.User, Password = config.Nats.Password },
        TlsOpts = config.Nats.CaFile is null ? NatsTlsOpts.Default : NatsTlsOpts.Default with { CaFile = config.Nats.CaFile, Mode = TlsMode.Require },
        RequestTimeout = TimeSpan.FromSeconds(10),
        SubPendingChannelFullMode = BoundedChannelFullMode.DropNewest,
    };

    /// <summary>Redis options from the config: endpoint, password, TLS with an optional CA file; commands wait through reconnects.</summary>
    public static ConfigurationOptions RedisOptions(TrainingConfig config, string clientName)
    {
        var options = new ConfigurationOptions
        {
            ClientName = clientName,
            Password = config.Redis.Password,
            Ssl = config.Redis.Tls,
            AbortOnConnectFail = true,
            ConnectTimeout = 5000,
            SyncTimeout = 10000,
            AsyncTimeout = 10000,
        };
        options.EndPoints.Add(config.Redis.Endpoint);
        if (config.Redis.CaFile is { } caFile)
        {
            options.TrustIssuer(caFile);
        }

        return options;
    }

    /// <summary>
    /// Declares the streams and consumers again after a JetStream call failed: a nats-server
    /// restarted without its memory-stored batch stream has neither. At most once a second;
    /// failures are logged, the caller retries its call anyway.
    /// </summary>
    public async Task RestoreStreamsAsync(CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref streamsEnsuredAt);
        if (now - last < 1000 || Interlocked.CompareExchange(ref streamsEnsuredAt, now, last) != last) return;
        try
        {
            await Channels.ClusterStreams.EnsureAsync(this, Config, cancellationToken);
        }
        catch (NatsException e)
        {
            Logger.LogWarning("Declaring the streams again failed: {Error}", e.Message);
        }
    }

    /// <summary>A Redis call that counts its failures in speedyzero_redis_errors_total.</summary>
    public async Task<T> RedisAsync<T>(Func<IDatabase, Task<T>> call)
    {
        try
        {
            return await call(Db);
        }
        catch (RedisException)
        {
            RedisErrors.Inc();
            throw;
        }
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> connect, string what, string where, ILogger logger, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await connect().WaitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested && !IsAuthFailure(e))
            {
                if (attempt == 1 || attempt % 10 == 0)
                {
                    logger.LogWarning("Cannot reach {What} at {Where} yet (attempt {Attempt}): {Error}", what, where, attempt, e.Message);
                }

                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }

    // Wrong credentials do not get better with retries: fail at once with the server's word.
    private static bool IsAuthFailure(Exception e) =>
        e.ToString().Contains("Authorization Violation", StringComparison.OrdinalIgnoreCase)
        || e.ToString().Contains("WRONGPASS", StringComparison.Ordinal)
        || e.ToString().Contains("NOAUTH", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await Redis.CloseAsync();
        Redis.Dispose();
        await Nats.DisposeAsync();
    }
}
