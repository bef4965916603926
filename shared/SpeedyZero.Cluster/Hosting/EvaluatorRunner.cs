using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using Prometheus;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Training.Roles;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>
/// Evaluator service: the learner asks for an evaluation every eval.every steps (the schedule of
/// <c>speedyzero train</c>); the evaluator plays the greedy episodes with the weights the request
/// names, the newest request replacing one not yet started, and reports the returns to the learner.
/// </summary>
public static class EvaluatorRunner
{
    public const string QueueGroup = "evaluator";

    public static async Task RunAsync(HostContext host, CancellationToken cancellationToken)
    {
        var cluster = host.Cluster;
        var names = cluster.Names;
        var m = host.Metrics;
        var episodes = m.CreateCounter("speedyzero_episodes_total", "Episodes finished.");
        var episodeReturn = m.CreateGauge("speedyzero_episode_return", "Mean undiscounted return of recent finished episodes.", ["mode"]).WithLabels("eval");
        episodeReturn.Set(double.NaN); // no evaluation yet
        m.CreateHistogram("speedyzero_search_duration_seconds", "Wall time of one batched search.", new HistogramConfiguration { Buckets = MetricBuckets.Seconds });
        var inUse = m.CreateGauge("speedyzero_weights_version_in_use", "Version of the weights the role computes with.");
        var lag = m.CreateGauge("speedyzero_weights_version_lag", "Latest announced version minus the version in use.");
        var latestRequested = -1L;
        var evaluated = -1L;
        host.AddSampler(() =>
        {
            var publication = WeightsVersions.Publication(Interlocked.Read(ref evaluated), Training.Channels.WeightsKind.SelfPlay, host.Config);
            inUse.Set(publication);
            lag.Set(Math.Max(0, WeightsVersions.Publication(Interlocked.Read(ref latestRequested), Training.Channels.WeightsKind.SelfPlay, host.Config) - publication));
        });

        var queue = new EvaluationQueue();
        var replies = new ConcurrentDictionary<long, NatsMsg<byte[]>>();
        cluster.DecodeErrors.Track(names.EvaluationRequests);
        await using var requests = await cluster.Nats.SubscribeCoreAsync<byte[]>(names.EvaluationRequests, QueueGroup,
            opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 16 } }, cancellationToken: cancellationToken);
        await host.MarkListeningAsync(cancellationToken);

        var listen = Task.Run(async () =>
        {
            await foreach (var message in requests.Msgs.ReadAllAsync(cancellationToken))
            {
                EvaluationRequestMessage request;
                try
                {
                    request = Wire.Decode<EvaluationRequestMessage>(message.Data ?? []);
                }
                catch (FormatException e)
                {
                    cluster.DecodeErrors.Reject(names.EvaluationRequests, e);
                    continue;
                }

                var weights = await cluster.RedisAsync(db => db.StringGetAsync(request.WeightsKey));
                if (weights.IsNull)
                {
                    host.Logger.LogWarning("Weights of learner step {Step} are no longer in Redis ({Key}); not evaluated", request.LearnerStep, request.WeightsKey);
                    continue;
                }

                if (message.ReplyTo is not null) replies[request.LearnerStep] = message;
                Interlocked.Exchange(ref latestRequested, Math.Max(Interlocked.Read(ref latestRequested), request.LearnerStep));
                queue.Request(new EvaluationRequest(request.LearnerStep, request.EnvSteps, (byte[])weights!));
            }
        }, CancellationToken.None);

        await HostContext.RunOnThread("evaluator", token =>
        {
            using var evaluator = new EvaluatorRole(host.Setup);
            queue.Serve(request =>
            {
                var played = evaluator.Run(request.Weights, RunSeeds.Evaluation(host.Config), token);
                Interlocked.Exchange(ref evaluated, request.LearnerStep);
                episodes.Inc(played.Count);
                episodeReturn.Set(played.Returns.Average());
                host.Logger.LogInformation(
                    "Evaluation at learner step {Step}: mean return {Return:0.0} over {Episodes} episodes, mean length {Length:0} steps",
                    request.LearnerStep, played.Returns.Average(), played.Count, played.MeanLength);
                var report = Wire.Encode(new EvaluationReport
                {
                    LearnerStep = request.LearnerStep,
                    EnvSteps = request.EnvSteps,
                    Returns = Tensor.From<float>(played.Returns.Select(r => (float)r).ToArray(), played.Count),
                    Lengths = Tensor.From<int>(played.Lengths, played.Count),
                });
                // The learner's final request waits for this answer; the others are recorded from the results subject.
                if (replies.TryRemove(request.LearnerStep, out var asked))
                {
                    Blocking.Wait(asked.ReplyAsync(report, cancellationToken: token));
                }
                else
                {
                    Blocking.Wait(cluster.Nats.PublishAsync(names.EvaluationResults, report, cancellationToken: token));
                }
            }, token);
        }, cancellationToken);

        try
        {
            await listen;
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
