using System.Diagnostics;
using SpeedyZero.Metrics;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>The metrics every role exposes (docs/metrics.md, "Every role"), sampled once a second.</summary>
public sealed class CommonMetrics
{
    private readonly Gauge ready;
    private readonly Gauge cpu;
    private readonly Gauge memory;
    private readonly Counter cpuTotal;
    private readonly Counter reconnects;
    private double lastCpu;
    private long lastReconnects;

    public CommonMetrics(MetricsRegistry registry, string device)
    {
        var version = typeof(CommonMetrics).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        registry.CreateGauge("speedyzero_build_info", "Always 1; the build's version and the engine device.", "version", "device")
            .WithLabels(version, device).Set(1);
        ready = registry.CreateGauge("speedyzero_ready", "1 while /readyz answers 200.");
        using var process = Process.GetCurrentProcess();
        registry.CreateGauge("process_start_time_seconds", "Start time of the process, Unix seconds.")
            .Set(new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        cpuTotal = registry.CreateCounter("process_cpu_seconds_total", "User and system CPU time, seconds.");
        memory = registry.CreateGauge("process_resident_memory_bytes", "Resident set size, bytes.");
        cpu = memory;
        reconnects = registry.CreateCounter("speedyzero_nats_reconnects_total", "Reconnections to the NATS server.");
        registry.CreateCounter("speedyzero_redis_errors_total", "Redis commands that failed (error reply, timeout, lost connection).");
        registry.CreateCounter("speedyzero_queue_dropped_total", "Items dropped by a full bounded in-process queue, by queue name.", "queue")
            .WithLabels("nats_subscription");
        registry.CreateCounter("speedyzero_messages_decode_errors_total", "Messages rejected as malformed, by subject.", "subject");
    }

    public void Sample(bool isReady, ClusterContext? context)
    {
        ready.Set(isReady ? 1 : 0);
        using var process = Process.GetCurrentProcess();
        var total = process.TotalProcessorTime.TotalSeconds;
        if (total > lastCpu)
        {
            cpuTotal.Inc(total - lastCpu);
            lastCpu = total;
        }

        memory.Set(process.WorkingSet64);
        if (context is not null)
        {
            var snapshot = context.Nats.Counters.Snapshot();
            if (snapshot.Reconnects > lastReconnects)
            {
                reconnects.Inc(snapshot.Reconnects - lastReconnects);
                lastReconnects = snapshot.Reconnects;
            }
        }

        _ = cpu;
    }
}
