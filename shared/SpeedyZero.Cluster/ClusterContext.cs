using Microsoft.Extensions.Logging;
using SpeedyZero.Messaging.JetStream;
using SpeedyZero.Messaging.Nats;
using SpeedyZero.Metrics;
using SpeedyZero.Storage.Redis;
using SpeedyZero.Training.Config;

namespace SpeedyZero.Cluster;

/// <summary>One process's connections and shared services: NATS (+ JetStream), Redis, names, metrics, decode-error accounting.</summary>
public sealed class ClusterContext : IAsyncDisposable
{
    private ClusterContext(NatsConnection nats, RedisConnection redis, ClusterNames names, MetricsRegistry metrics, ILogger logger)
    {
        Nats = nats;
        JetStream = new JetStreamContext(nats);
        Redis = redis;
        Names = names;
        Metrics = metrics;
        Logger = logger;
        DecodeErrors = new DecodeErrors(metrics, logger);
        RedisErrors = metrics.CreateCounter("speedyzero_redis_errors_total", "Redis commands that failed (error reply, timeout, lost connection).");
    }

    public NatsConnection Nats { get; }
    public JetStreamContext JetStream { get; }
    public RedisConnection Redis { get; }
    public ClusterNames Names { get; }
    public MetricsRegistry Metrics { get; }
    public ILogger Logger { get; }
    public DecodeErrors DecodeErrors { get; }
    public Counter RedisErrors { get; }

    /// <summary>Connects to both servers, retrying until <paramref name="cancellationToken"/> fires (servers may start after the role).</summary>
    public static async Task<ClusterContext> ConnectAsync(TrainingConfig config, string clientName, MetricsRegistry metrics, ILogger logger,
        CancellationToken cancellationToken, string prefix = "sz")
    {
        var natsOptions = NatsOptions.Default with
        {
            Url = config.Nats.Url,
            User = config.Nats.User,
            Password = config.Nats.Password,
            Name = clientName,
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        TrainingConfig.TryParseEndpoint(config.Redis.Endpoint, out var host, out var port);
        var redisOptions = RedisOptions.Default with { Host = host, Port = port, Password = config.Redis.Password, ClientName = clientName };
        var nats = await RetryAsync(() => NatsConnection.ConnectAsync(natsOptions, cancellationToken), "NATS", config.Nats.Url, logger, cancellationToken);
        try
        {
            var redis = await RetryAsync(() => RedisConnection.ConnectAsync(redisOptions, cancellationToken), "Redis", config.Redis.Endpoint, logger, cancellationToken);
            return new ClusterContext(nats, redis, new ClusterNames(prefix), metrics, logger);
        }
        catch
        {
            await nats.DisposeAsync();
            throw;
        }
    }

    /// <summary>A Redis call that counts its failures.</summary>
    public async ValueTask<T> RedisAsync<T>(Func<RedisConnection, ValueTask<T>> call)
    {
        try
        {
            return await call(Redis);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or IOException)
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
            try
            {
                return await connect();
            }
            catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested
                                      && e is not NatsAuthException and not RedisAuthenticationException)
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

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Nats.DisposeAsync();
    }
}
