using Microsoft.Extensions.Logging;
using SpeedyZero.Cluster.Channels;
using Prometheus;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>Evaluator service: greedy episodes with the latest self-play weights every eval.every learner steps.</summary>
public static class EvaluatorRunner
{
    public static async Task RunAsync(HostContext host, CancellationToken cancellationToken)
    {
        var cluster = host.Cluster;
        await using var weights = new RedisWeightsChannel(cluster);
        await weights.SubscribeAsync(cancellationToken, WeightsKind.SelfPlay);
        await host.MarkListeningAsync(cancellationToken);
        var m = host.Metrics;
        var episodes = m.CreateCounter("speedyzero_episodes_total", "Episodes finished.");
        var episodeReturn = m.CreateGauge("speedyzero_episode_return", "Mean undiscounted return of recent finished episodes.", "mode").WithLabels("eval");
        episodeReturn.Set(double.NaN); // no evaluation yet
        m.CreateHistogram("speedyzero_search_duration_seconds", "Wall time of one batched search.", new HistogramConfiguration { Buckets = MetricBuckets.Seconds });
        var inUse = m.CreateGauge("speedyzero_weights_version_in_use", "Version of the weights the role computes with.");
        var lag = m.CreateGauge("speedyzero_weights_version_lag", "Latest announced version minus the version in use.");
        var version = -1L;
        long? evaluated = null; // version of the last evaluation
        host.AddSampler(() =>
        {
            var publication = WeightsVersions.Publication(version, WeightsKind.SelfPlay, host.Config);
            inUse.Set(publication);
            lag.Set(Math.Max(0, WeightsVersions.Publication(weights.LatestSeen(WeightsKind.SelfPlay), WeightsKind.SelfPlay, host.Config) - publication));
        });

        await HostContext.RunOnThread("evaluator", token =>
        {
            using var evaluator = new EvaluatorRole(host.Setup);
            while (!token.IsCancellationRequested)
            {
                var newer = weights.GetNewerAsync(WeightsKind.SelfPlay, version, token).AsTask().GetAwaiter().GetResult();
                if (newer is null || (evaluated is { } last && newer.Version - last < host.Config.Eval.Every))
                {
                    if (newer is not null) version = newer.Version;
                    token.WaitHandle.WaitOne(500);
                    continue;
                }

                version = newer.Version;
                evaluated = newer.Version;
                var played = evaluator.Run(newer.Weights, RunSeeds.Evaluation(host.Config), token);
                episodes.Inc(played.Count);
                episodeReturn.Set(played.Returns.Average());
                host.Logger.LogInformation(
                    "Evaluation at weights version {Version}: mean return {Return:0.0} over {Episodes} episodes, mean length {Length:0} steps",
                    newer.Version, played.Returns.Average(), played.Count, played.MeanLength);
            }
        }, cancellationToken);
    }
}
