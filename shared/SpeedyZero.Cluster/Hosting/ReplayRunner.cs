using Microsoft.Extensions.Logging;
using SpeedyZero.Cluster.Channels;
using SpeedyZero.Cluster.Replay;
using SpeedyZero.Core.Replay;
using SpeedyZero.Training.Config;
using StackExchange.Redis;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>Replay service: rebuilds its index from Redis, then stores segments and serves requests until the run finishes.</summary>
public static class ReplayRunner
{
    public static async Task RunAsync(HostContext host, CancellationToken cancellationToken)
    {
        var config = host.Config;
        var options = new PriorityOptions
        {
            Capacity = config.Replay.Capacity,
            Alpha = config.Replay.PriorityAlpha,
            BetaStart = config.Replay.PriorityBetaStart,
            BetaEnd = config.Replay.PriorityBetaEnd,
        };
        // The store journals through StackExchange.Redis; its own connection until the context has one.
        TrainingConfig.TryParseEndpoint(config.Redis.Endpoint, out var redisHost, out var redisPort);
        var redisOptions = new ConfigurationOptions
        {
            EndPoints = { { redisHost, redisPort } },
            Password = config.Redis.Password,
            ClientName = "replay",
            AbortOnConnectFail = false,
        };
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisOptions);
        var store = await RedisReplayStore.OpenAsync(redis.GetDatabase(), host.Cluster.Names, options, (int)config.Run.Seed + 11, cancellationToken);
        var status = store.Status;
        host.Logger.LogInformation("Replay rebuilt from Redis: {Segments} segments, transitions [{Oldest}, {Next}), total mass {Mass}",
            status.Segments, status.OldestId, status.NextId, store.TotalMass);
        var lagPoller = ConsumerLagPoller.RunAsync(host.Cluster, host.Cluster.Names.SegmentStream, ClusterNames.ReplayConsumer, cancellationToken);
        var service = new ReplayService(host.Cluster, store);
        await service.RunAsync(new JetStreamSegmentSource(host.Cluster), host.MarkListeningAsync, cancellationToken);
        await lagPoller;
    }
}
