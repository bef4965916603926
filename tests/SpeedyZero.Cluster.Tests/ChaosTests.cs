using System.Globalization;
using SpeedyZero.Cluster.Replay;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Cluster.Tests;

/// <summary>kill -9 of the replay, an actor, a reanalyzer and the learner at random points of a run, each restarted.</summary>
public class ChaosTests
{
    [Fact]
    public async Task The_run_survives_kill_9_of_every_role_without_losing_or_doubling_a_segment()
    {
        var seed = Environment.GetEnvironmentVariable("SPEEDYZERO_CHAOS_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Environment.TickCount;
        var random = new Random(seed);
        await using var cluster = await LocalCluster.StartAsync(envSteps: 2400, checkpointEvery: 10);
        cluster.Start("replay", "replay");
        cluster.Start("learner", "learner");
        cluster.Start("reanalyzer-1", "reanalyzer");
        cluster.Start("reanalyzer-2", "reanalyzer");
        await cluster.WaitUntilAsync(() => cluster.Roles.Values.All(r => r.Metric("speedyzero_ready") == 1), TimeSpan.FromSeconds(90), "the roles ready");
        cluster.Start("actor-1", "actor");
        cluster.Start("actor-2", "actor");
        var log = new List<string> { $"seed {seed}" };
        string Context() => string.Join("; ", log) + "\n" + cluster.Describe();
        double Stored() => cluster.Roles["replay"].Metric("speedyzero_segments_stored_total");
        double LearnerStep() => cluster.Roles["learner"].Metric("speedyzero_learner_step");

        // 1. The replay, after it stored a few segments.
        var storedBefore = random.Next(3, 15);
        await cluster.WaitUntilAsync(() => Stored() >= storedBefore, TimeSpan.FromSeconds(120), $"{storedBefore} segments stored");
        await Task.Delay(random.Next(0, 500));
        cluster.Roles["replay"].KillHard();
        log.Add($"killed replay after {Stored()} stored");
        await Task.Delay(random.Next(200, 1500));
        var replay = cluster.Start("replay", "replay");

        // 2. An actor and 3. a reanalyzer, once the learner trains.
        await cluster.WaitUntilAsync(() => LearnerStep() >= random.Next(3, 12), TimeSpan.FromSeconds(120), "learner steps");
        cluster.Roles["actor-1"].KillHard();
        log.Add($"killed actor-1 at learner step {LearnerStep()}");
        await Task.Delay(random.Next(200, 1500));
        cluster.Start("actor-1", "actor");
        await Task.Delay(random.Next(200, 2000));
        cluster.Roles["reanalyzer-1"].KillHard();
        log.Add($"killed reanalyzer-1 at learner step {LearnerStep()}");
        await Task.Delay(random.Next(200, 1500));
        cluster.Start("reanalyzer-1", "reanalyzer");

        // 4. The learner, somewhere after its first checkpoint; it must resume from the last one.
        var killAt = LearnerStep() + random.Next(12, 40);
        await cluster.WaitUntilAsync(() => LearnerStep() >= killAt, TimeSpan.FromSeconds(180), $"learner step {killAt}");
        cluster.Roles["learner"].KillHard();
        await cluster.Roles["learner"].WaitForExitAsync(TimeSpan.FromSeconds(10));
        var checkpointStep = Checkpoint.LoadState(cluster.CheckpointDir).LearnerSteps;
        log.Add($"killed learner at step ~{LearnerStep()}, last checkpoint {checkpointStep}");
        Assert.True(checkpointStep >= 10, Context());
        var learner = cluster.Start("learner", "learner");
        await cluster.WaitUntilAsync(() => learner.Output.Contains("Resuming from the checkpoint", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the learner resuming");
        Assert.Contains($"at learner step {checkpointStep}\"", learner.Output);

        // The run finishes; every role ends cleanly.
        Assert.True(await learner.WaitForExitAsync(TimeSpan.FromSeconds(300)) == 0, Context());
        foreach (var role in cluster.Roles.Values)
        {
            Assert.True(await role.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, $"{role.Name}: {role.ExitCode}\n{Context()}");
        }

        Assert.Contains("Replay rebuilt from Redis", replay.Output);
        Assert.DoesNotContain("Replay rebuilt from Redis: 0 segments", replay.Output);

        // No acked segment missing, none stored twice.
        var context = cluster.Context;
        var stored = await cluster.AssertPublishedSegmentsStoredOnceAsync();

        Assert.Equal(stored.Count, await context.Db.KeyExistsAsync(stored.Select(id => (StackExchange.Redis.RedisKey)context.Names.SegmentKey(id)).ToArray()));
        var state = (await RedisReplayStore.LoadAsync(context.Db, context.Names, CancellationToken.None))?.Index;
        var positions = 0L;
        foreach (var id in stored)
        {
            positions += Core.Segments.SegmentCodec.Decode((byte[])(await context.Db.StringGetAsync(context.Names.SegmentKey(id)))!).Positions;
        }

        Assert.Equal(positions, state!.Priorities.Length); // the index covers exactly the stored segments' positions
        Assert.True(Checkpoint.LoadState(cluster.CheckpointDir).LearnerSteps > checkpointStep, Context());
    }
}
