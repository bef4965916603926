using System.Globalization;
using SpeedyZero.Cluster.Channels;
using SpeedyZero.Cluster.Replay;
using SpeedyZero.Core.Segments;
using SpeedyZero.LocalServers;
using SpeedyZero.Testing;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Cluster.Tests;

/// <summary>The servers themselves fail (kill -9, restarted on their data), and the servers require TLS and credentials.</summary>
public class ServerFailureTests
{
    [Fact]
    public async Task The_run_survives_kill_9_of_nats_server_and_of_redis_server_without_losing_or_doubling_a_segment()
    {
        await using var cluster = await LocalCluster.StartAsync(envSteps: 2400, checkpointEvery: 10);
        cluster.Start("replay", "replay");
        cluster.Start("learner", "learner");
        cluster.Start("reanalyzer", "reanalyzer");
        await cluster.WaitUntilAsync(() => cluster.Roles.Values.All(r => r.Metric("speedyzero_ready") == 1), TimeSpan.FromSeconds(90), "the roles ready");
        var actors = new[] { cluster.Start("actor-1", "actor"), cluster.Start("actor-2", "actor") };
        using var stopSupervising = new CancellationTokenSource();
        var supervisor = cluster.SuperviseAsync(stopSupervising.Token);
        double LearnerStep() => cluster.Roles["learner"].Metric("speedyzero_learner_step");

        // NATS first (JetStream's file store holds the acked segments), once the learner trains.
        await cluster.WaitUntilAsync(() => LearnerStep() >= 5, TimeSpan.FromSeconds(180), "learner step 5");
        await cluster.Nats.KillAsync();
        await Task.Delay(1000);
        await cluster.Nats.RestartAsync();

        // Then Redis (AOF with an fsync per write: what the replay acked is on disk).
        var stepAfterNats = LearnerStep();
        await cluster.WaitUntilAsync(() => LearnerStep() >= stepAfterNats + 10, TimeSpan.FromSeconds(180), "training after the NATS restart");
        await cluster.Redis.KillAsync();
        await Task.Delay(1000);
        await cluster.Redis.RestartAsync();

        // The run finishes: every role ends cleanly (restarted by the supervisor if a server's loss stopped it).
        await cluster.WaitUntilAsync(() => cluster.Roles["learner"] is { HasExited: true, ExitCode: 0 }, TimeSpan.FromSeconds(400), "the learner finishing");
        foreach (var role in cluster.Roles.Values)
        {
            Assert.True(await role.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, $"{role.Name} exited with {role.ExitCode}\n{cluster.Describe()}");
        }

        await stopSupervising.CancelAsync();
        var restarted = await supervisor;

        // Acked segments (each actor counts a segment once, after its PubAck) are all stored or
        // still in the stream, none twice; the index covers exactly the stored segments.
        var context = cluster.Context;
        var order = await context.Db.ListRangeAsync(context.Names.ReplayOrder);
        var stored = order.Select(e => long.Parse(((string)e!).Split(':')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(stored.Count, stored.Distinct().Count());
        var remaining = (await context.JetStream.GetStreamAsync(context.Names.SegmentStream)).Info.State.Messages;
        // Each actor process (a restarted one counts from 0) was last read up to 300 ms before it exited.
        var acked = cluster.AllProcesses.Where(r => r.Name.StartsWith("actor", StringComparison.Ordinal))
            .Select(a => a.Metric("speedyzero_segments_published_total")).Where(double.IsFinite).Sum();
        Assert.True(acked > 0, $"no actor process was seen acking a segment; restarted: {string.Join(", ", restarted)}\n{cluster.Describe()}");
        Assert.True(stored.Count + (long)remaining >= acked, $"{acked} segments acked, {stored.Count} stored and {remaining} in the stream; restarted: {string.Join(", ", restarted)}");
        var state = (await RedisReplayStore.LoadAsync(context.Db, context.Names, CancellationToken.None))?.Index;
        var positions = 0L;
        foreach (var id in stored)
        {
            positions += SegmentCodec.Decode((byte[])(await context.Db.StringGetAsync(context.Names.SegmentKey(id)))!).Positions;
        }

        Assert.Equal(positions, state!.Priorities.Length);
        Assert.True(Checkpoint.LoadState(cluster.CheckpointDir).LearnerSteps >= 10);
    }

    [Fact]
    public async Task Tls_and_credentials_on_both_servers_carry_segments_and_a_replay_role_gets_ready()
    {
        var directory = Directory.CreateTempSubdirectory("sz-tls-").FullName;
        var natsCertificates = await NatsTlsCertificates.GenerateAsync(Path.Combine(directory, "nats"));
        await using var nats = await NatsServer.StartAsync($$"""
            tls { cert_file: "{{natsCertificates.CertFile}}", key_file: "{{natsCertificates.KeyFile}}", ca_file: "{{natsCertificates.CaFile}}" }
            authorization { user: speedyzero, password: "nats-secret" }
            """);
        using var redisCertificates = RedisTestCertificates.Create();
        await using var redis = await RedisServer.StartAsync(RedisServerSettings.Default with
        {
            Password = "redis-secret",
            Tls = redisCertificates.ServerTls(requireClientCertificates: false),
        });
        string[] settings =
        [
            $"nats.url=tls://127.0.0.1:{nats.Port}", "nats.user=speedyzero", "nats.password=nats-secret", $"nats.ca_file={natsCertificates.CaFile}",
            $"redis.endpoint=127.0.0.1:{redis.TlsPort}", "redis.password=redis-secret", "redis.tls=true", $"redis.ca_file={redisCertificates.CaFile}",
        ];
        var config = ConfigLoader.Load("cartpole", null, new Dictionary<string, string>(), settings).ValidateService();
        await using var context = await TestContexts.ConnectAsync(config);
        await ClusterStreams.EnsureAsync(context, config, CancellationToken.None);

        // A segment from the actor's sink to the replay's source, over TLS, then into Redis over TLS.
        var segment = TestSegments.Make(42, 20, new Random(1));
        await new JetStreamSegmentSink(context, () => 7).PublishAsync(segment, CancellationToken.None);
        using var read = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var delivery in new JetStreamSegmentSource(context).ReadAllAsync(read.Token))
        {
            Assert.Equal(segment.Id, delivery.Value.SegmentId);
            Assert.Equal(SegmentCodec.Encode(segment), delivery.Value.Encoded);
            await context.Db.StringSetAsync("tls-check", delivery.Value.Encoded);
            await delivery.AckAsync();
            break;
        }

        Assert.Equal(SegmentCodec.Encode(segment), (byte[])(await context.Db.StringGetAsync("tls-check"))!);

        // The same settings from the environment bring a role process up.
        var environment = settings.Select(s => s.Split('=', 2))
            .ToDictionary(kv => "SPEEDYZERO__" + kv[0].Replace(".", "__", StringComparison.Ordinal).ToUpperInvariant(), kv => kv[1]);
        environment["SPEEDYZERO__PRESET"] = "cartpole";
        using var replay = new RoleProcess("replay", ["replay"], environment, LocalPorts.Free());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await replay.ScrapeAsync())?.GetValueOrDefault("speedyzero_ready") != 1)
        {
            Assert.False(replay.HasExited, replay.Output);
            Assert.True(DateTime.UtcNow < deadline, "the replay did not get ready over TLS:\n" + replay.Output);
            await Task.Delay(300);
        }

        replay.Terminate();
        Assert.Equal(0, await replay.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Wrong_credentials_fail_at_once_with_the_servers_word()
    {
        await using var nats = await NatsServer.StartAsync("authorization { user: speedyzero, password: right }\n");
        await using var redis = await RedisServer.StartAsync(RedisServerSettings.Default with { Password = "right" });
        var natsWrong = ConfigLoader.Load("cartpole", null, new Dictionary<string, string>(),
            [$"nats.url={nats.Url}", "nats.user=speedyzero", "nats.password=wrong", $"redis.endpoint=127.0.0.1:{redis.Port}", "redis.password=right"]);
        var natsError = await Assert.ThrowsAnyAsync<Exception>(() => TestContexts.ConnectAsync(natsWrong, TimeSpan.FromSeconds(20)));
        Assert.Contains("Authorization Violation", natsError.ToString(), StringComparison.OrdinalIgnoreCase);

        var redisWrong = natsWrong with { Nats = natsWrong.Nats with { Password = "right" }, Redis = natsWrong.Redis with { Password = "wrong" } };
        var redisError = await Assert.ThrowsAnyAsync<Exception>(() => TestContexts.ConnectAsync(redisWrong, TimeSpan.FromSeconds(20)));
        Assert.DoesNotContain("OperationCanceled", redisError.GetType().Name, StringComparison.Ordinal);
    }

}
