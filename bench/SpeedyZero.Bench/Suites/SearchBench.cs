using SpeedyZero.Core.Model;
using SpeedyZero.Core.Search;

namespace SpeedyZero.Bench.Suites;

/// <summary>
/// Tree work of batched MCTS alone: the model hands back fixed random outputs without computing,
/// so the figures are selection, expansion, backup and the latent/LSTM copies.
/// </summary>
public sealed class SearchBench : IBenchSuite
{
    private const int Simulations = 50;

    // Issue 4's reference: the best C++ tree of the Python ecosystem, single-threaded, on this
    // machine kind (sims/s). Where the issue gives a range, the top of it.
    private static readonly Dictionary<(int Batch, int Actions), double> Reference = new()
    {
        [(16, 4)] = 807e3, [(64, 4)] = 807e3, [(256, 4)] = 807e3,
        [(16, 18)] = 450e3, [(64, 18)] = 450e3, [(256, 18)] = 337e3,
    };

    public string Name => "search";

    public string Description => $"batched MCTS tree work, {Simulations} simulations, instant model; sims/s = roots x simulations / s";

    public Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var cores = Environment.ProcessorCount;
        report.Add("latent floats", FixedOutputModel.Latent, "floats", "per node; LSTM hidden the same");
        _ = SimsPerSecond(16, 4, 1); // discarded: lets the JIT finish tiering the search code first
        foreach (var threads in cores > 1 ? new[] { 1, cores } : new[] { 1 })
        {
            foreach (var (batch, actions) in Reference.Keys)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rate = SimsPerSecond(batch, actions, threads);
                var reference = Reference[(batch, actions)];
                var label = threads == 1 ? "1 thread" : $"{threads} threads";
                report.Add($"{batch}x{actions} {label}", rate, "sims/s", $"{rate / reference:F2}x reference {reference / 1e3:F0}k (target 2x single-threaded)");
            }
        }

        return Task.CompletedTask;
    }

    private static double SimsPerSecond(int batch, int actions, int threads)
    {
        var model = new FixedOutputModel(batch, actions);
        using var search = new BatchedSearch(SearchOptions.Default with { Simulations = Simulations }, model.Shape, batch, threads);
        var random = new Random(1);
        var latent = new float[batch * FixedOutputModel.Latent];
        var value = new float[batch];
        var logits = new float[batch * actions];
        for (var i = 0; i < logits.Length; i++) logits[i] = (float)random.NextDouble();
        for (var i = 0; i < value.Length; i++) value[i] = (float)random.NextDouble();
        var results = new SearchResults(batch, actions);
        ulong seed = 0;
        // Warm up by time, not calls: tiered JIT only reaches optimised code after a while.
        var warmup = System.Diagnostics.Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < 0.3)
        {
            search.Run(model, new SearchRoots(batch, latent, value, logits), results, seed++, true, 1f);
        }

        var seconds = Measure.SecondsPerCall(
            () => search.Run(model, new SearchRoots(batch, latent, value, logits), results, seed++, true, 1f),
            budgetSeconds: 0.5);
        return batch * Simulations / seconds;
    }

    /// <summary>Precomputed random outputs per batch row, copied out on each call: no network work.</summary>
    private sealed class FixedOutputModel : IRecurrentModel
    {
        public const int Latent = 16;

        private const int Variants = 7;
        private readonly float[] latent, lstm, valuePrefix, value, logits;
        private int call;

        public FixedOutputModel(int batch, int actions)
        {
            Shape = new ModelShape(1, Latent, Latent, actions);
            var random = new Random(42);
            latent = Fill(Variants * batch * Latent, random, 1f);
            lstm = Fill(Variants * batch * Latent, random, 1f);
            valuePrefix = Fill(Variants * batch, random, 2f);
            value = Fill(Variants * batch, random, 2f);
            logits = Fill(Variants * batch * actions, random, 3f);
        }

        public ModelShape Shape { get; }

        public void InitialInference(ReadOnlySpan<float> observations, int batch, InferenceOutputs outputs) => throw new NotSupportedException();

        public void RecurrentInference(ReadOnlySpan<float> latentIn, ReadOnlySpan<float> lstmHidden, ReadOnlySpan<float> lstmCell,
            ReadOnlySpan<int> actions, int batch, InferenceOutputs outputs)
        {
            var v = call++ % Variants;
            latent.AsSpan(v * batch * Latent, batch * Latent).CopyTo(outputs.Latent);
            lstm.AsSpan(v * batch * Latent, batch * Latent).CopyTo(outputs.LstmHidden);
            lstm.AsSpan(v * batch * Latent, batch * Latent).CopyTo(outputs.LstmCell);
            valuePrefix.AsSpan(v * batch, batch).CopyTo(outputs.ValuePrefix);
            value.AsSpan(v * batch, batch).CopyTo(outputs.Value);
            logits.AsSpan(v * batch * Shape.ActionCount, batch * Shape.ActionCount).CopyTo(outputs.PolicyLogits);
        }

        private static float[] Fill(int n, Random random, float scale)
        {
            var a = new float[n];
            for (var i = 0; i < n; i++) a[i] = (float)(random.NextDouble() * 2 - 1) * scale;
            return a;
        }
    }
}
