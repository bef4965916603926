using SpeedyZero.Core.Replay;

namespace SpeedyZero.Bench.Suites;

/// <summary>The priority index at Atari scale: one batch sampled and its priorities written back.</summary>
public sealed class ReplayBench : IBenchSuite
{
    private const int Entries = 1_000_000;
    private const int Batch = 256;

    public string Name => "replay";

    public string Description => $"priority index: sample {Batch} without replacement from {Entries:N0} entries, update {Batch} priorities";

    public Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var index = new PriorityIndex(PriorityOptions.Default with { Capacity = Entries });
        var random = new Random(1);
        var ids = new long[Batch];
        var keys = new long[Batch];
        var weights = new float[Batch];
        var priorities = new float[Batch];
        for (var i = 0; i < Entries; i++)
        {
            index.Add(i);
        }

        // Spread the priorities so the tree is not uniform.
        var all = new long[Entries];
        var values = new float[Entries];
        for (var i = 0; i < Entries; i++)
        {
            all[i] = i;
            values[i] = 1e-3f + (float)random.NextDouble() * 10f;
        }

        index.Update(all, values);

        var sample = Measure.SecondsPerCall(() => index.Sample(0.4, random, ids, keys, weights), budgetSeconds: 0.5, warmupCalls: 200);
        report.Add($"sample {Batch} of 1M", sample * 1e6, "µs", "without replacement, with importance weights");

        var update = Measure.SecondsPerCall(() =>
        {
            for (var i = 0; i < Batch; i++) priorities[i] = 1e-3f + (float)random.NextDouble();
            index.Update(ids, priorities);
        }, budgetSeconds: 0.5, warmupCalls: 200);
        report.Add($"update {Batch} of 1M", update * 1e6, "µs", "includes drawing the new priorities");

        var add = Measure.SecondsPerCall(() => index.Add(7), budgetSeconds: 0.3, warmupCalls: 1000);
        report.Add("add (evicting)", add * 1e9, "ns", "full index: each add evicts the oldest");
        return Task.CompletedTask;
    }
}
