using System.Globalization;
using SpeedyZero.Cluster.Replay;
using NATS.Client.Core;
using NATS.Client.JetStream;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Cluster.Tests;

/// <summary>A short CartPole run with every role as its own process: 2 actors, 2 reanalyzers, refresh, replay, learner.</summary>
public class EndToEndTests
{
    private static readonly byte[] Garbage = [0xc1, 0x93, 0xff, 0x00, 0x42];

    [Fact]
    public async Task Cartpole_run_over_nats_and_redis_stores_every_segment_trains_and_survives_bad_input()
    {
        await using var cluster = await LocalCluster.StartAsync(envSteps: 3000);
        var replay = cluster.Start("replay", "replay");
        var learner = cluster.Start("learner", "learner");
        cluster.Start("refresh", "reanalyzer", "--mode", "refresh");
        cluster.Start("reanalyzer-1", "reanalyzer");
        cluster.Start("reanalyzer-2", "reanalyzer", "--mode", "reanalyze");
        var evaluator = cluster.Start("evaluator", "evaluator");
        // Actors last, once the rest listens, and a run long enough that the learner is training
        // while they collect: in a very short run they could otherwise collect
        // everything before the learner's first step, when the ratio starts to hold them.
        await cluster.WaitUntilAsync(() => cluster.Roles.Values.All(r => r.Metric("speedyzero_ready") == 1), TimeSpan.FromSeconds(90), "the roles ready");
        var actors = new[] { cluster.Start("actor-1", "actor"), cluster.Start("actor-2", "actor") };

        await cluster.WaitUntilAsync(() => cluster.Roles.Values.All(r => r.Metric("speedyzero_ready") == 1), TimeSpan.FromSeconds(90), "every role ready");
        await SendGarbageEverywhereAsync(cluster);

        // Every role exposes the names docs/metrics.md promises for it.
        await cluster.WaitUntilAsync(() => actors.All(a => a.Metric("speedyzero_segments_published_total") > 0), TimeSpan.FromSeconds(60), "segments published");
        foreach (var (name, role) in new[] { ("replay", "replay"), ("learner", "learner"), ("refresh", "priority-refresh"), ("reanalyzer-1", "reanalyzer"), ("actor-1", "actor"), ("evaluator", "evaluator") })
        {
            var missing = MetricCatalogue.Missing(role, await cluster.Roles[name].ScrapeAsync() ?? new Dictionary<string, double>());
            Assert.True(missing.Count == 0, $"{name} lacks {string.Join(", ", missing)}");
        }

        Assert.Equal(0, await learner.WaitForExitAsync(TimeSpan.FromSeconds(240)));
        foreach (var role in cluster.Roles.Values)
        {
            Assert.True(await role.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, $"{role.Name} exited with {role.ExitCode}\n{role.Tail()}");
        }

        // Segments stored = segments published, by id, each once.
        var context = cluster.Context;
        var stored = await cluster.AssertPublishedSegmentsStoredOnceAsync();
        Assert.True(stored.Count >= 20, $"only {stored.Count} segments stored");

        foreach (var id in stored.Take(50))
        {
            Assert.True(await context.Db.KeyExistsAsync(context.Names.SegmentKey(id)));
        }

        // Metrics were last read up to 300 ms before each process exited: at most the final counts.
        Assert.InRange(replay.Metric("speedyzero_segments_stored_total"), 1, stored.Count);
        Assert.InRange(actors.Sum(a => a.Metric("speedyzero_segments_published_total")), 1, cluster.PublishedSegmentIds.Count);

        // Batches trained, checkpoint at the last step, clock agrees.
        var state = Checkpoint.LoadState(cluster.CheckpointDir);
        Assert.True(state.LearnerSteps >= 50, $"learner reached step {state.LearnerSteps}");
        Assert.True(learner.Metric("speedyzero_batches_consumed_total") >= 50);
        Assert.Equal(state.LearnerSteps.ToString(CultureInfo.InvariantCulture), (string?)await context.Db.HashGetAsync(context.Names.Clock, "learner_steps"));
        Assert.True(cluster.Roles["reanalyzer-1"].Metric("speedyzero_batches_produced_total") > 0);
        Assert.True(cluster.Roles["reanalyzer-2"].Metric("speedyzero_batches_produced_total") > 0);

        // The learner's run folder has the outputs of speedyzero train: every evaluation the
        // evaluator played (on the learner's schedule, the final one included), best weights, curves, summary.
        var folder = cluster.RunFolder;
        var records = MetricsLog.Read(folder.MetricsPath);
        var evaluations = EvaluationPoint.AllIn(records);
        Assert.True(evaluations.Count >= 2, $"{evaluations.Count} evaluations recorded");
        Assert.Equal(state.LearnerSteps, evaluations[^1].LearnerSteps);
        Assert.Contains(records, r => r.Kind == "learner");
        Assert.Contains(records, r => r.Kind == "progress");
        Assert.NotNull(RandomPolicyReference.Read(records));
        foreach (var path in new[] { folder.ConfigPath, folder.CurvesPath, folder.SummaryPath, folder.BestWeightsPath, folder.BestInfoPath, folder.FinalWeightsPath })
        {
            Assert.True(File.Exists(path) && new FileInfo(path).Length > 0, $"{path} is missing");
        }

        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder.SummaryPath));
        Assert.Equal(state.LearnerSteps, summary.RootElement.GetProperty("learner_steps").GetInt64());
        Assert.Equal(evaluations[^1].Mean, summary.RootElement.GetProperty("final_return_mean").GetDouble(), 6);

        // The evaluator evaluated the first weights and then every eval.every learner steps.
        Assert.True(evaluator.Metric("speedyzero_episodes_total") >= 4, $"the evaluator finished {evaluator.Metric("speedyzero_episodes_total")} episodes");

        // The role code times its work: searches and batch assembly land in the histograms.
        Assert.True(actors.All(a => a.Metric("speedyzero_search_duration_seconds_count") > 0), "an actor observed no search duration");
        Assert.True(cluster.Roles["reanalyzer-1"].Metric("speedyzero_reanalyze_batch_duration_seconds_count") > 0, "no batch duration observed");

        // New weights reached every actor; priorities changed in Redis.
        foreach (var actor in actors)
        {
            Assert.True(actor.Metric("speedyzero_weights_version_in_use") >= 5, $"{actor.Name} used version {actor.Metric("speedyzero_weights_version_in_use")}");
        }

        var index = (await RedisReplayStore.LoadAsync(context.Db, context.Names, CancellationToken.None))?.Index;
        Assert.NotNull(index);
        Assert.True(index.Priorities.Distinct().Count() > 10, "priorities in Redis never changed");
        Assert.True(replay.Metric("speedyzero_priority_updates_total{source=\"learner\"}") > 0);
        Assert.True(replay.Metric("speedyzero_priority_updates_total{source=\"refresh\"}") > 0);

        // Every malformed message was counted by the role listening on its subject; the run went on.
        var names = context.Names;
        string Errors(string subject) => $"speedyzero_messages_decode_errors_total{{subject=\"{subject}\"}}";
        foreach (var subject in new[] { names.SegmentSubject, names.ReplaySample, names.ReplayStatus, names.ReplaySweep,
                     names.ReplayPriorities("learner"), names.ReplayPriorities("refresh"), names.RunFinished })
        {
            Assert.True(replay.Metric(Errors(subject)) >= 1, $"replay did not count bad input on {subject}");
        }

        foreach (var subject in new[] { names.BatchSubject, names.ClockEnv, names.ClockLearner, names.EvaluationResults })
        {
            Assert.True(learner.Metric(Errors(subject)) >= 1, $"learner did not count bad input on {subject}");
        }

        Assert.True(evaluator.Metric(Errors(names.EvaluationRequests)) >= 1, "the evaluator did not count bad input on its requests");

        foreach (var actor in actors)
        {
            foreach (var subject in new[] { names.WeightsAnnounce(Training.Channels.WeightsKind.SelfPlay), names.ClockLearner, names.RunFinished })
            {
                Assert.True(actor.Metric(Errors(subject)) >= 1, $"{actor.Name} did not count bad input on {subject}");
            }
        }

        Assert.True(cluster.Roles["reanalyzer-1"].Metric(Errors(names.WeightsAnnounce(Training.Channels.WeightsKind.Target))) >= 1);
        Assert.Contains("Rejected a malformed message on " + names.SegmentSubject, replay.Output);
        Assert.Single(replay.Output.Split('\n'), l => l.Contains("Rejected a malformed message on " + names.ReplaySample + ":", StringComparison.Ordinal));
    }

    /// <summary>A malformed message (twice) on every subject some role listens to.</summary>
    internal static async Task SendGarbageEverywhereAsync(LocalCluster cluster)
    {
        var context = cluster.Context;
        var names = context.Names;
        for (var round = 0; round < 2; round++)
        {
            // Requests get an answer naming the error (the reply contract's Error field).
            var opts = new NatsSubOpts { Timeout = TimeSpan.FromSeconds(10) };
            Assert.StartsWith("malformed request", Wire.Decode<SampleReply>((await context.Nats.RequestAsync<byte[], byte[]>(names.ReplaySample, Garbage, replyOpts: opts)).Data!).Error);
            Assert.StartsWith("malformed request", Wire.Decode<StatusReply>((await context.Nats.RequestAsync<byte[], byte[]>(names.ReplayStatus, Garbage, replyOpts: opts)).Data!).Error);
            Assert.StartsWith("malformed request", Wire.Decode<SweepReply>((await context.Nats.RequestAsync<byte[], byte[]>(names.ReplaySweep, Garbage, replyOpts: opts)).Data!).Error);

            foreach (var subject in new[] { names.ReplayPriorities("learner"), names.ReplayPriorities("refresh"),
                         names.WeightsAnnounce(Training.Channels.WeightsKind.SelfPlay), names.WeightsAnnounce(Training.Channels.WeightsKind.Target),
                         names.ClockEnv, names.ClockLearner, names.RunFinished, names.EvaluationRequests, names.EvaluationResults })
            {
                await context.Nats.PublishAsync(subject, Garbage);
            }

            (await context.JetStream.PublishAsync(names.SegmentSubject, Garbage, opts: new NatsJSPubOpts { MsgId = $"garbage-{round}" })).EnsureSuccess();
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    (await context.JetStream.PublishAsync(names.BatchSubject, Garbage, opts: new NatsJSPubOpts { MsgId = $"garbage-{round}" })).EnsureSuccess();
                    break;
                }
                catch (NatsJSApiException) when (attempt < 200)
                {
                    await Task.Delay(50); // the backlog is full: wait for the learner to take one
                }
            }
        }

        await context.Nats.PingAsync();
    }
}
