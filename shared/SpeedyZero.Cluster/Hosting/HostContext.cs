using Microsoft.Extensions.Logging;
using Prometheus;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>What a role runner gets from the host: configuration, connections, metrics, and a place to register its samplers.</summary>
public sealed class HostContext(TrainingConfig config, TrainingSetup? setup, ClusterContext cluster, string node, ILogger logger)
{
    private readonly List<Action> samplers = [];
    private volatile bool listening;

    public TrainingConfig Config { get; } = config;

    /// <summary>Null for the replay, which needs no engine.</summary>
    public TrainingSetup Setup => setup ?? throw new InvalidOperationException("this role has no engine setup");

    public ClusterContext Cluster { get; } = cluster;

    /// <summary>This process's node id (node.id, or role-pid).</summary>
    public string Node { get; } = node;
    public IMetricFactory Metrics => Cluster.Metrics;
    public ILogger Logger { get; } = logger;
    public TrainingStats Stats { get; } = new();

    /// <summary>True once the role has made its subscriptions (readiness waits for it).</summary>
    public bool Listening => listening;

    /// <summary>
    /// The role has made its subscriptions: one round trip to NATS makes sure the server holds every
    /// one of them before readiness reports the role ready (a core-NATS message sent earlier is lost).
    /// </summary>
    public async Task MarkListeningAsync(CancellationToken cancellationToken)
    {
        await Cluster.Nats.PingAsync(cancellationToken);
        listening = true;
    }

    /// <summary>Runs every second on the host's sampler (copy role counters into metrics).</summary>
    public void AddSampler(Action sample)
    {
        lock (samplers) samplers.Add(sample);
    }

    public void Sample()
    {
        Action[] copy;
        lock (samplers) copy = [.. samplers];
        foreach (var sample in copy) sample();
    }

    /// <summary>Runs a blocking role loop on a dedicated thread; cancellation counts as a clean end.</summary>
    public static Task RunOnThread(string name, Action<CancellationToken> body, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                body(cancellationToken);
                done.SetResult();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { Name = name, IsBackground = true };
        thread.Start();
        return done.Task;
    }
}
