using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using SpeedyZero.Cluster.Channels;
using SpeedyZero.Engine;
using Prometheus;
using SpeedyZero.Metrics;
using SpeedyZero.Training.Config;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>
/// What every role process does around its role: configuration (file + environment, validated;
/// exit 2 naming the key), JSON logs, /metrics /healthz /readyz, connections with retry,
/// streams, SIGTERM / SIGINT draining, the end of the run, exit codes.
/// </summary>
public static class ServiceHost
{
    public static string RoleName(ServiceRole role) => role switch
    {
        ServiceRole.PriorityRefresh => "priority-refresh",
        _ => role.ToString().ToLowerInvariant(),
    };

    public static async Task<int> RunAsync(ServiceRole role, string? configPath, IReadOnlyList<string> overrides, CancellationToken externalToken)
    {
        var name = RoleName(role);
        TrainingConfig config;
        try
        {
            config = ConfigLoader.LoadService(configPath, ConfigLoader.ProcessEnvironment(), overrides);
        }
        catch (ConfigException e)
        {
            await Console.Error.WriteLineAsync($"speedyzero {name}: invalid configuration: {e.Message}");
            return ExitCodes.Usage;
        }

        using var loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Information)
            .AddJsonConsole(options =>
            {
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                options.UseUtcTimestamp = true;
            }));
        var logger = loggers.CreateLogger($"speedyzero.{name}");
        var node = config.Node.Id ?? $"{name}-{Environment.ProcessId}";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(externalToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Drain);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Drain);

        void Drain(PosixSignalContext signal)
        {
            signal.Cancel = true;
            if (!stop.IsCancellationRequested)
            {
                logger.LogInformation("{Signal}: draining (stop taking work, finish what is in flight)", signal.Signal);
                stop.Cancel();
            }
        }

        // One registry per process, without prometheus-net's default collectors: the process_*
        // series are the catalogue's own (docs/metrics.md).
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = Prometheus.Metrics.WithCustomRegistry(registry);
        var device = config.Engine.Device == EngineDevice.Cuda ? "cuda" : "cpu";
        var common = new CommonMetrics(metrics, device);
        ClusterContext? cluster = null;
        HostContext? host = null;
        var engineReady = role == ServiceRole.Replay;
        // One list for /readyz and the speedyzero_ready gauge, so the two cannot disagree.
        (string Name, Func<bool> Holds)[] conditions =
        [
            ("nats", () => cluster?.NatsConnected == true),
            ("redis", () => cluster?.Redis.IsConnected == true),
            ("engine", () => engineReady),
            ("listening", () => host?.Listening == true),
            ("not draining", () => !stop.IsCancellationRequested),
        ];
        var readiness = new ReadinessChecks();
        foreach (var (conditionName, holds) in conditions) readiness.Add(conditionName, holds);
        bool IsReady() => Array.TrueForAll(conditions, c => c.Holds());

        MetricsHost http;
        try
        {
            http = await MetricsHost.StartAsync(new MetricsHostOptions { Url = $"http://{config.Metrics.Host}:{config.Metrics.Port}" }, registry, readiness, stop.Token);
        }
        catch (IOException e)
        {
            logger.LogCritical("Cannot listen on {Host}:{Port}: {Error}", config.Metrics.Host, config.Metrics.Port, e.Message);
            return ExitCodes.Failure;
        }

        await using var _ = http;
        logger.LogInformation("speedyzero {Role} ({Node}) starts; metrics on {Url}; NATS {Nats}; Redis {Redis}",
            name, node, http.Url, config.Nats.Url, config.Redis.Endpoint);

        using var samplerStop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!samplerStop.IsCancellationRequested)
            {
                try
                {
                    common.Sample(IsReady());
                    host?.Sample();
                    await Task.Delay(1000, samplerStop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception e)
                {
                    logger.LogWarning("Metrics sampler: {Error}", e.Message);
                }
            }
        });

        try
        {
            TrainingSetup? setup = null;
            if (role != ServiceRole.Replay)
            {
                setup = new TrainingSetup(config); // loads the engine and sets its threads
                EngineRuntime.EnsureLoaded();
                logger.LogInformation("Engine loaded; malloc: {Malloc}; BLAS: {Blas}", NativeAllocator.Describe(), NativeBlas.Describe());
                engineReady = true;
            }

            cluster = await ClusterContext.ConnectAsync(config, $"speedyzero-{node}", metrics, logger, stop.Token);
            await ClusterStreams.EnsureAsync(cluster, config, stop.Token);
            host = new HostContext(config, setup, cluster, node, logger);

            // Every role but the learner stops when the learner marks the run finished.
            using var roleStop = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            var finished = role == ServiceRole.Learner ? Task.Delay(Timeout.Infinite, stop.Token) : RunControl.WaitFinishedAsync(cluster, stop.Token);
            var finishedWatch = finished.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    logger.LogInformation("The run is finished; stopping");
                    roleStop.Cancel();
                }
            }, TaskScheduler.Default);

            var run = role switch
            {
                ServiceRole.Actor => ActorRunner.RunAsync(host, finished, roleStop.Token),
                ServiceRole.Replay => ReplayRunner.RunAsync(host, roleStop.Token),
                ServiceRole.Reanalyzer => ReanalyzerRunner.RunAsync(host, refresh: false, roleStop.Token),
                ServiceRole.PriorityRefresh => ReanalyzerRunner.RunAsync(host, refresh: true, roleStop.Token),
                ServiceRole.Learner => LearnerRunner.RunAsync(host, roleStop.Token),
                ServiceRole.Evaluator => EvaluatorRunner.RunAsync(host, roleStop.Token),
                _ => throw new ArgumentOutOfRangeException(nameof(role)),
            };
            try
            {
                await run;
            }
            catch (OperationCanceledException) when (roleStop.IsCancellationRequested)
            {
                // drained or finished
            }

            logger.LogInformation("speedyzero {Role} stops cleanly", name);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            logger.LogInformation("speedyzero {Role} stopped before it started working", name);
            return ExitCodes.Success;
        }
        catch (ConfigException e)
        {
            logger.LogCritical("Invalid configuration: {Error}", e.Message);
            return ExitCodes.Usage;
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "speedyzero {Role} failed: {Error}", name, e.Message);
            return ExitCodes.Failure;
        }
        finally
        {
            await samplerStop.CancelAsync();
            await sampler;
            if (cluster is not null) await cluster.DisposeAsync();
        }
    }
}
