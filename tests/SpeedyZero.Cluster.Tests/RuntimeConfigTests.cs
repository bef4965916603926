using System.Text.Json;

namespace SpeedyZero.Cluster.Tests;

/// <summary>What the speedyzero process's runtime configuration sets for every role and image.</summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void The_speedyzero_process_caps_gen0s_budget_so_resident_memory_stays_flat()
    {
        // Without the cap gen0's budget follows the CPU's cache and a training process went minutes between
        // collections, its resident memory climbing by the budget (docs/engine-runtime.md, "Managed heap").
        var path = Path.Combine(AppContext.BaseDirectory, "speedyzero.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty("System.GC.Gen0MaxBudget", out var budget), $"{path} sets no gen0 budget");
        Assert.Equal(16L << 20, budget.GetInt64());
    }
}
