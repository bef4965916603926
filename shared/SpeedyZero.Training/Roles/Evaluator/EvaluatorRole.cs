using SpeedyZero.Core.Search;
using SpeedyZero.Engine;
using SpeedyZero.Training.Setup;
using SpeedyZero.Core.Environments;

namespace SpeedyZero.Training.Roles.Evaluator;

/// <summary>
/// Greedy evaluation: plays eval.episodes episodes at once with given weights, no root noise,
/// always the most visited action, and returns each episode's return and length.
/// </summary>
public sealed class EvaluatorRole : IDisposable
{
    private readonly TrainingSetup setup;
    private readonly EfficientZeroModel model;
    private readonly BatchedSearch search;
    private readonly SearchResults results;
    private readonly InferenceBuffers outputs;
    private readonly int episodes;

    public EvaluatorRole(TrainingSetup setup, int? episodes = null)
    {
        this.setup = setup;
        this.episodes = episodes ?? setup.Config.Eval.Episodes;
        model = setup.CreateModel(seedOffset: 3);
        search = new BatchedSearch(setup.SearchOptions, model.Shape, this.episodes);
        results = new SearchResults(this.episodes, setup.ActionCount);
        outputs = new InferenceBuffers(model.Shape, this.episodes);
    }

    /// <summary>
    /// Returns and lengths of <c>eval.episodes</c> greedy episodes with <paramref name="weights"/>, environments seeded
    /// from <paramref name="seed"/>. An episode cut at <c>eval.max_episode_steps</c> counts what it had played so far.
    /// Cancellation throws <see cref="OperationCanceledException"/>: an evaluation cut short is not a result.
    /// <paramref name="progress"/>, when given, hears after every lock-step, on the calling thread.
    /// </summary>
    public GreedyEpisodes Run(byte[] weights, ulong seed, CancellationToken cancellationToken, IProgress<EvaluationProgress>? progress = null)
    {
        model.ImportWeights(weights);
        var environments = setup.CreateVectorEnvironment(episodes);
        var buffers = environments.CreateBuffers();
        environments.Reset(seed, buffers);

        var observationSize = setup.ObservationShape.Size;
        var stacks = new Actor.FrameStacks(episodes, setup.FrameStack, observationSize);
        for (var i = 0; i < episodes; i++) stacks.Reset(i, buffers.Observation(i));

        var returns = new double[episodes];
        var lengths = new int[episodes];
        var active = Enumerable.Range(0, episodes).ToArray();
        var activeCount = episodes;
        var input = new float[episodes * stacks.StackSize];
        var actions = new int[episodes];
        var searchSeed = seed;
        var maxSteps = setup.Config.Eval.MaxEpisodeSteps ?? int.MaxValue;
        var steps = 0;

        while (activeCount > 0 && !cancellationToken.IsCancellationRequested)
        {
            // Search only the episodes still running (the vector environment keeps stepping the others).
            for (var a = 0; a < activeCount; a++)
            {
                stacks.Stacked.AsSpan(active[a] * stacks.StackSize, stacks.StackSize).CopyTo(input.AsSpan(a * stacks.StackSize, stacks.StackSize));
            }

            model.InitialInference(input.AsSpan(0, activeCount * stacks.StackSize), activeCount, outputs.For(activeCount));
            var roots = new SearchRoots(activeCount, outputs.Latent.AsSpan(0, activeCount * model.Shape.LatentSize),
                outputs.Value.AsSpan(0, activeCount), outputs.PolicyLogits.AsSpan(0, activeCount * setup.ActionCount));
            search.Run(model, roots, results, searchSeed++, rootNoise: false, temperature: 0f);
            Array.Clear(actions);
            for (var a = 0; a < activeCount; a++) actions[active[a]] = results.Action[a];

            environments.Step(actions, buffers);
            var still = 0;
            for (var a = 0; a < activeCount; a++)
            {
                var i = active[a];
                if (buffers.Ends[i] == EpisodeEnd.None)
                {
                    returns[i] += buffers.Rewards[i];
                    lengths[i]++;
                    if (lengths[i] >= maxSteps) continue;
                    stacks.Push(i, buffers.Observation(i));
                    active[still++] = i;
                }
                else
                {
                    returns[i] = buffers.EpisodeReturns[i];
                    lengths[i] = buffers.EpisodeLengths[i];
                }
            }

            activeCount = still;
            progress?.Report(new EvaluationProgress(++steps, episodes - activeCount, episodes));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new GreedyEpisodes(returns, lengths);
    }

    public void Dispose()
    {
        search.Dispose();
        model.Dispose();
    }
}
