using SpeedyZero.Cluster.Channels;
using Prometheus;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Roles.Reanalyzer;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>
/// Reanalyzer service: reanalyze.workers reanalysis loops publishing to the batch work queue
/// (mode reanalyze), or one Priority Refresh loop sending priorities to the replay (mode refresh).
/// </summary>
public static class ReanalyzerRunner
{
    public static async Task RunAsync(HostContext host, bool refresh, CancellationToken cancellationToken)
    {
        var cluster = host.Cluster;
        var stats = host.Stats;
        var setup = host.Setup;
        await using var clock = await NatsRunClock.StartAsync(cluster, cancellationToken);
        await using var weights = new RedisWeightsChannel(cluster);
        await weights.SubscribeAsync(cancellationToken, WeightsKind.SelfPlay, WeightsKind.Target);
        await host.MarkListeningAsync(cancellationToken);
        var replay = new NatsReplayClient(cluster, "refresh");
        var m = host.Metrics;
        var inUse = m.CreateGauge("speedyzero_weights_version_in_use", "Version of the weights the role computes with.");
        var lag = m.CreateGauge("speedyzero_weights_version_lag", "Latest announced version minus the version in use.");
        var kind = refresh ? WeightsKind.SelfPlay : WeightsKind.Target;
        host.AddSampler(() =>
        {
            var version = WeightsVersions.Publication(refresh ? stats.SelfPlayVersionInUse : stats.TargetVersionInUse, kind, host.Config);
            inUse.Set(version);
            lag.Set(Math.Max(0, WeightsVersions.Publication(weights.LatestSeen(kind), kind, host.Config) - version));
        });

        // Both modes expose the reanalyzer metrics (docs/metrics.md); refresh leaves the batch ones at 0.
        var produced = m.CreateCounter("speedyzero_batches_produced_total", "Training batches published to the batch work queue.");
        var batchDuration = m.CreateHistogram("speedyzero_reanalyze_batch_duration_seconds", "Time to build one batch.",
            new HistogramConfiguration { Buckets = MetricBuckets.BatchSeconds });
        var lagPoller = ConsumerLagPoller.RunAsync(cluster, cluster.Names.BatchStream, ClusterNames.LearnerConsumer, cancellationToken);
        if (refresh)
        {
            var positions = m.CreateCounter("speedyzero_priority_refresh_positions_total", "Positions whose priority was recomputed.");
            var sweeps = m.CreateCounter("speedyzero_priority_refresh_sweeps_total", "Full sweeps over the buffer completed.");
            host.AddSampler(() =>
            {
                positions.IncTo(stats.RefreshedPositions);
                sweeps.IncTo(stats.RefreshSweeps);
            });
            var role = new PriorityRefreshRole(setup, replay, weights, clock, stats);
            await HostContext.RunOnThread("priority-refresh", role.Run, cancellationToken);
            await lagPoller;
            return;
        }

        var batches = new JetStreamBatchQueue(cluster, setup.Config.Learner.BatchSize, setup.UnrollSteps, setup.StackedObservationSize, setup.ActionCount);
        host.AddSampler(() => produced.IncTo(stats.BatchesProduced));
        var workers = new List<Task>();
        for (var w = 0; w < host.Config.Reanalyze.Workers; w++)
        {
            var seed = RunSeeds.Reanalyzer(host.Config, RunSeeds.Node(host.Node), w, clock.LearnerSteps);
            var role = new ReanalyzerRole(setup, replay, batches, weights, clock, stats, seed)
            {
                BatchBuilt = d => batchDuration.Observe(d.TotalSeconds),
            };
            workers.Add(HostContext.RunOnThread($"reanalyzer-{w}", role.Run, cancellationToken));
        }

        await Task.WhenAll(workers);
        await lagPoller;
    }
}
