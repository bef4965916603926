using Microsoft.Extensions.Logging;
using SpeedyZero.Cluster.Channels;
using Prometheus;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Roles.Actor;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>
/// Actor service: a fresh incarnation (segment id prefix) per start, self-play until the run's env
/// steps are collected (throttled by the learner's steps on the shared clock), then idle until the run finishes.
/// </summary>
public static class ActorRunner
{
    public static async Task RunAsync(HostContext host, Task finished, CancellationToken cancellationToken)
    {
        var cluster = host.Cluster;
        var stats = host.Stats;
        var ids = SegmentIds.ForNewIncarnation();
        host.Logger.LogInformation("Actor incarnation {Incarnation} starts", ids.Incarnation);
        await using var clock = await NatsRunClock.StartAsync(cluster, cancellationToken);
        var counting = new CountingClock(clock);
        await using var weights = new RedisWeightsChannel(cluster);
        await weights.SubscribeAsync(cancellationToken, WeightsKind.SelfPlay);
        await host.MarkListeningAsync(cancellationToken);
        await using var sink = new JetStreamSegmentSink(cluster, () => stats.SelfPlayVersionInUse);

        var m = host.Metrics;
        var envSteps = m.CreateCounter("speedyzero_env_steps_total", "Agent steps taken, summed over all environments of the process.");
        var episodes = m.CreateCounter("speedyzero_episodes_total", "Episodes finished.");
        var episodeReturn = m.CreateGauge("speedyzero_episode_return", "Mean undiscounted return of recent finished episodes.", ["mode"]).WithLabels("selfplay");
        episodeReturn.Set(double.NaN); // no episode yet
        var throttled = m.CreateCounter("speedyzero_actor_throttled_seconds_total", "Time the actor waited for the update/collect ratio.");
        var searchDuration = m.CreateHistogram("speedyzero_search_duration_seconds", "Wall time of one batched search.",
            new HistogramConfiguration { Buckets = MetricBuckets.Seconds });
        var inUse = m.CreateGauge("speedyzero_weights_version_in_use", "Version of the weights the role computes with.");
        var lag = m.CreateGauge("speedyzero_weights_version_lag", "Latest announced version minus the version in use.");
        host.AddSampler(() =>
        {
            envSteps.IncTo(counting.Added);
            episodes.IncTo(stats.Episodes);
            if (!double.IsNaN(stats.RecentReturn)) episodeReturn.Set(stats.RecentReturn);
            throttled.IncTo(stats.ThrottledSeconds);
            var version = WeightsVersions.Publication(stats.SelfPlayVersionInUse, WeightsKind.SelfPlay, host.Config);
            inUse.Set(version);
            lag.Set(Math.Max(0, WeightsVersions.Publication(weights.LatestSeen(WeightsKind.SelfPlay), WeightsKind.SelfPlay, host.Config) - version));
        });

        var seed = RunSeeds.Actor(host.Config, RunSeeds.Node(host.Node), clock.EnvSteps);
        await HostContext.RunOnThread("actor", t => new ActorRole(host.Setup, sink, weights, counting, stats, ids, seed)
        {
            Searched = d => searchDuration.Observe(d.TotalSeconds),
        }.Run(t), cancellationToken);
        await clock.FlushAsync(CancellationToken.None);
        if (!cancellationToken.IsCancellationRequested)
        {
            host.Logger.LogInformation("Collected the run's env steps ({Steps} by this actor); waiting for the run to finish", counting.Added);
            await finished.WaitAsync(cancellationToken);
        }
    }
}
