using System.Diagnostics;
using Prometheus;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>The metrics every role exposes (docs/metrics.md, "Every role"), sampled once a second.</summary>
public sealed class CommonMetrics
{
    private readonly Gauge ready;
    private readonly Gauge memory;
    private readonly Counter cpuTotal;

    public CommonMetrics(IMetricFactory metrics, string device)
    {
        var version = typeof(CommonMetrics).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        metrics.CreateGauge("speedyzero_build_info", "Always 1; the build's version and the engine device.", ["version", "device"])
            .WithLabels(version, device).Set(1);
        ready = metrics.CreateGauge("speedyzero_ready", "1 while /readyz answers 200.");
        using var process = Process.GetCurrentProcess();
        metrics.CreateGauge("process_start_time_seconds", "Start time of the process, Unix seconds.")
            .Set(new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        cpuTotal = metrics.CreateCounter("process_cpu_seconds_total", "User and system CPU time, seconds.");
        memory = metrics.CreateGauge("process_resident_memory_bytes", "Resident set size, bytes.");
        // Created before the first connection so that every role exports them from the start.
        metrics.CreateCounter("speedyzero_nats_reconnects_total", "Reconnections to the NATS server.");
        metrics.CreateCounter("speedyzero_redis_errors_total", "Redis commands that failed (error reply, timeout, lost connection).");
        metrics.CreateCounter("speedyzero_queue_dropped_total", "Items dropped by a full bounded in-process queue, by queue name.", ["queue"])
            .WithLabels("nats_subscription");
        metrics.CreateCounter("speedyzero_messages_decode_errors_total", "Messages rejected as malformed, by subject.", ["subject"]);
    }

    public void Sample(bool isReady)
    {
        ready.Set(isReady ? 1 : 0);
        using var process = Process.GetCurrentProcess();
        cpuTotal.IncTo(process.TotalProcessorTime.TotalSeconds);
        memory.Set(process.WorkingSet64);
    }
}
