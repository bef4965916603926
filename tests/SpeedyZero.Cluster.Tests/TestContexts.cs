using Microsoft.Extensions.Logging.Abstractions;
using SpeedyZero.Training.Config;

namespace SpeedyZero.Cluster.Tests;

/// <summary>A test's own connections to the servers, with a metrics registry of its own.</summary>
public static class TestContexts
{
    public static async Task<ClusterContext> ConnectAsync(TrainingConfig config, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var metrics = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        return await ClusterContext.ConnectAsync(config, "test", metrics, NullLogger.Instance, cancel.Token);
    }
}
