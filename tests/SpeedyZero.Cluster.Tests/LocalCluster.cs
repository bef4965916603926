using System.Globalization;
using NATS.Client.Core;
using SpeedyZero.LocalServers;
using SpeedyZero.Testing;
using SpeedyZero.Training.Config;

namespace SpeedyZero.Cluster.Tests;

/// <summary>
/// Real nats-server and redis-server (missing binaries fail loudly), the tiny CartPole config (<see cref="TinyCartPole"/>), role
/// processes started and restarted by name, a sampler reading their metrics every 300 ms, and a
/// test subscriber recording every segment id published on the segment subject.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string> environment;
    private readonly CancellationTokenSource stop = new();
    private readonly List<RoleProcess> all = [];
    private Task? sampler;
    private Task? recorder;

    private LocalCluster(NatsServer nats, RedisServer redis, string directory, Dictionary<string, string> environment)
    {
        Nats = nats;
        Redis = redis;
        Directory = directory;
        this.environment = environment;
    }

    public NatsServer Nats { get; }
    public RedisServer Redis { get; }
    public string Directory { get; }
    public Training.Run.RunFolder RunFolder => new(Path.Combine(Directory, "learner"));
    public string CheckpointDir => RunFolder.CheckpointPath;
    public ClusterContext Context { get; private set; } = null!;
    public Dictionary<string, RoleProcess> Roles { get; } = new(StringComparer.Ordinal);

    /// <summary>Every process started, restarted ones included.</summary>
    public IReadOnlyList<RoleProcess> AllProcesses
    {
        get
        {
            lock (Roles) return [.. all];
        }
    }

    /// <summary>Ids seen on the segment subject (with retries and duplicates folded).</summary>
    public HashSet<long> PublishedSegmentIds { get; } = [];

    public static async Task<LocalCluster> StartAsync(long envSteps, int checkpointEvery = 20)
    {
        var nats = await NatsServer.StartAsync();
        var redis = await RedisServer.StartAsync(RedisServerSettings.Default with { AppendOnly = true });
        var directory = Path.Combine(Path.GetTempPath(), "sz-cluster-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        var configPath = Path.Combine(directory, "config.yaml");
        await File.WriteAllTextAsync(configPath, TinyCartPole.Config(envSteps, checkpointEvery));
        var environment = new Dictionary<string, string>
        {
            ["SPEEDYZERO__NATS__URL"] = nats.Url,
            ["SPEEDYZERO__REDIS__ENDPOINT"] = $"127.0.0.1:{redis.Port}",
            ["SPEEDYZERO__LEARNER__RUN_DIR"] = Path.Combine(directory, "learner"),
        };
        var cluster = new LocalCluster(nats, redis, directory, environment) { ConfigPath = configPath };
        var config = new TrainingConfig { Nats = new NatsSection { Url = nats.Url }, Redis = new RedisSection { Endpoint = $"127.0.0.1:{redis.Port}" } };
        cluster.Context = await TestContexts.ConnectAsync(config);
        await Channels.ClusterStreams.EnsureAsync(cluster.Context, ConfigLoader.Load("cartpole", null, new Dictionary<string, string>(), ["reanalyze.queue_capacity=2"]),
            CancellationToken.None);
        var subscription = await cluster.Context.Nats.SubscribeCoreAsync<byte[]>(cluster.Context.Names.SegmentSubject,
            opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 1 << 20 } });
        cluster.recorder = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in subscription.Msgs.ReadAllAsync(cluster.stop.Token))
                {
                    if (message.Headers is not null && message.Headers.TryGetValue("Nats-Msg-Id", out var id)
                        && long.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                    {
                        lock (cluster.PublishedSegmentIds) cluster.PublishedSegmentIds.Add(value);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        cluster.sampler = Task.Run(async () =>
        {
            while (!cluster.stop.IsCancellationRequested)
            {
                RoleProcess[] roles;
                lock (cluster.Roles) roles = [.. cluster.Roles.Values];
                foreach (var role in roles.Where(r => !r.HasExited)) await role.ScrapeAsync();
                try
                {
                    await Task.Delay(300, cluster.stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        return cluster;
    }

    public string ConfigPath { get; private init; } = "";

    /// <summary>
    /// Segment ids in the replay's Redis order list, after checking that none is stored twice and
    /// that every published segment is stored or still unacked in the work-queue stream (acked
    /// messages leave it).
    /// </summary>
    public async Task<List<long>> AssertPublishedSegmentsStoredOnceAsync()
    {
        var order = await Context.Db.ListRangeAsync(Context.Names.ReplayOrder);
        var stored = order.Select(e => long.Parse(((string)e!).Split(':')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(stored.Count, stored.Distinct().Count());
        var remaining = (await Context.JetStream.GetStreamAsync(Context.Names.SegmentStream)).Info.State.Messages;
        lock (PublishedSegmentIds)
        {
            Assert.Subset(PublishedSegmentIds, stored.ToHashSet());
            Assert.Equal(PublishedSegmentIds.Count, stored.Count + remaining);
        }

        return stored;
    }

    /// <summary>Starts (or restarts, under the same name) a role process.</summary>
    public RoleProcess Start(string name, params string[] arguments)
    {
        var process = new RoleProcess(name, [.. arguments, "--config", ConfigPath], environment, LocalPorts.Free()) { Arguments = arguments };
        lock (Roles)
        {
            Roles[name] = process;
            all.Add(process);
        }

        return process;
    }

    /// <summary>
    /// Restarts every role that exits with a failure (as Kubernetes would), until disposed or
    /// <paramref name="stop"/> fires; returns what it restarted.
    /// </summary>
    public async Task<List<string>> SuperviseAsync(CancellationToken stop)
    {
        var restarted = new List<string>();
        while (!stop.IsCancellationRequested && !this.stop.IsCancellationRequested)
        {
            RoleProcess[] roles;
            lock (Roles) roles = [.. Roles.Values];
            foreach (var role in roles.Where(r => r.HasExited && r.ExitCode != 0))
            {
                restarted.Add($"{role.Name} (exit {role.ExitCode})");
                Start(role.Name, role.Arguments);
            }

            try
            {
                await Task.Delay(500, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return restarted;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling every 200 ms; fails with the roles' output on timeout.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}\n{Describe()}");
            await Task.Delay(200);
        }
    }

    public string Describe()
    {
        lock (Roles)
        {
            return string.Join("\n", Roles.Values.Select(r => $"--- {r.Name} (exited: {r.HasExited}{(r.HasExited ? $", code {r.ExitCode}" : "")})\n{r.Tail(12)}"));
        }
    }


    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (sampler is not null) await sampler;
        if (recorder is not null) await recorder;
        foreach (var process in all) process.Dispose();
        await Context.DisposeAsync();
        await Redis.DisposeAsync();
        await Nats.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
