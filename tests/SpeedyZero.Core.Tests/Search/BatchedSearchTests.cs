using SpeedyZero.Core.Model;
using SpeedyZero.Core.Search;

namespace SpeedyZero.Core.Tests.Search;

public class BatchedSearchTests
{
    // Root 0: action 0 pays 1 now and ends (state 1 absorbs); action 1 pays nothing, then 0.5;
    // action 2 pays nothing, then 3 for action 1 only. The best first move is 2.
    private static TabularGameModel DelayedRewardGame()
    {
        const int absorbing = 1;
        var next = new int[,] { { absorbing, 2, 3 }, { absorbing, absorbing, absorbing }, { absorbing, absorbing, absorbing }, { absorbing, absorbing, absorbing } };
        var reward = new float[,] { { 1f, 0f, 0f }, { 0f, 0f, 0f }, { 0.5f, 0.5f, 0.5f }, { 0f, 3f, 0f } };
        return new TabularGameModel(next, reward, new float[4]);
    }

    private static SearchResults Search(IRecurrentModel model, SearchOptions options, int batch, ulong seed, bool noise, float temperature = 0f,
        float[]? rootLogits = null, int threads = 1, bool[]? legal = null, BatchedSearch? reuse = null)
    {
        var shape = model.Shape;
        var search = reuse ?? new BatchedSearch(options, shape, batch, threads);
        try
        {
            var latent = new float[batch * shape.LatentSize];
            var value = new float[batch];
            var logits = rootLogits ?? new float[batch * shape.ActionCount];
            var results = new SearchResults(batch, shape.ActionCount);
            search.Run(model, new SearchRoots(batch, latent, value, logits, legal), results, seed, noise, temperature);
            return results;
        }
        finally
        {
            if (reuse is null) search.Dispose();
        }
    }

    [Fact]
    public void Finds_the_delayed_reward_and_concentrates_visits_as_simulations_grow()
    {
        // pUCT first spends visits on the immediate reward; with more simulations it finds the
        // delayed one on every root and puts most visits there.
        const int batch = 8;
        var shares = new List<double>();
        SearchResults? last = null;
        foreach (var sims in new[] { 40, 160, 640 })
        {
            var options = SearchOptions.Default with { Simulations = sims, Discount = 0.9f };
            last = Search(DelayedRewardGame(), options, batch, seed: 7, noise: false);
            shares.Add(Enumerable.Range(0, batch).Average(b => last.PolicyOf(b)[2]));
        }

        Assert.True(shares[0] < shares[1] && shares[1] < shares[2], $"best-action share should grow: {string.Join(", ", shares)}");
        Assert.True(shares[2] > 0.7, $"share at 640 simulations {shares[2]}");
        for (var b = 0; b < batch; b++)
        {
            Assert.Equal(2, last!.Action[b]);
        }
    }

    [Fact]
    public void One_batched_model_call_per_simulation()
    {
        var model = DelayedRewardGame();
        Search(model, SearchOptions.Default with { Simulations = 13 }, batch: 5, seed: 1, noise: true);
        Assert.Equal(13, model.Calls);
        Assert.Equal(5, model.LastBatch);
    }

    [Fact]
    public void Golden_tree_matches_the_hand_computation()
    {
        // Root priors [0.8, 0.2], value 0, discount 0.9, c1 1.25, c2 19652. By hand:
        // sim 1: N=1, scores 0.8*1.2501 vs 0.2*1.2501 -> a0; Q(node1) = 1, range [1, 1]; root sum 1.
        // sim 2: N=2, a0 0.8*1.768/2 + 0 vs a1 0.2*1.768 + 0 -> a0; node1 (N=1, priors 1/3, 2/3) -> a1:
        //        Q(node2) = 0.5 + 0.9*1 = 1.4, node1 sum 1.4, Q(node1) = 1 + 0.9*0.7 = 1.63; root sum 3.26.
        // sim 3: N=3, a0 0.8*2.1654/3 + 1 = 1.577 vs a1 0.2*2.1654 + norm(mean 1.63) = 1.433 -> a0;
        //        node1 (N=2): mean Q = (1.63 + 1.4)/2 = 1.515, a0 0.589 + 0.817 vs a1 0.589 + 0.635 -> a0:
        //        Q(node3) = 2 - 0.9 = 1.1, node1 sum 2.5, Q(node1) = 1 + 0.9*2.5/3 = 1.75; root sum 5.25.
        var script = new Dictionary<int, (float, float, float[])>
        {
            [1] = (1f, 0f, [0f, MathF.Log(2f)]), // root -a0->: reward 1, value 0, priors [1/3, 2/3]
            [4] = (1.5f, 1f, [0f, 0f]),           // -a0-a1->: reward 0.5, value 1
            [3] = (3f, -1f, [0f, 0f]),            // -a0-a0->: reward 2, value -1
        };
        var model = new PathScriptedModel(2, script);
        var options = SearchOptions.Default with { Simulations = 3, Discount = 0.9f };
        using var search = new BatchedSearch(options, model.Shape, 1);
        var results = Search(model, options, 1, seed: 3, noise: false, rootLogits: [MathF.Log(4f), 0f], reuse: search);

        Assert.Equal([1, 4, 3], model.Expanded);
        Assert.Equal(1, search.ChildOf(0, 0, 0));
        Assert.Equal(-1, search.ChildOf(0, 0, 1));
        Assert.Equal(3, search.ChildOf(0, 1, 0));
        Assert.Equal(2, search.ChildOf(0, 1, 1));
        Assert.Equal([4, 3, 1, 1], new[] { search.VisitCountOf(0, 0), search.VisitCountOf(0, 1), search.VisitCountOf(0, 2), search.VisitCountOf(0, 3) });
        Assert.Equal(2.5f / 3f, search.ValueOf(0, 1), 5);
        Assert.Equal(0.5f, search.RewardOf(0, 1, 2), 5);
        Assert.Equal(2f, search.RewardOf(0, 1, 3), 5);
        var (min, max) = search.QRangeOf(0);
        Assert.Equal(1f, min, 5);
        Assert.Equal(1.75f, max, 5);
        Assert.Equal(5.25f / 4f, results.RootValue[0], 5);
        Assert.Equal([3, 0], results.VisitCountsOf(0).ToArray());
        Assert.Equal(0, results.Action[0]);
    }

    [Fact]
    public void Value_prefix_rewards_are_rebuilt_across_resets()
    {
        // One action, a chain: the reward at depth d is d + 1 and every state is worth 0.5.
        const int depth = 9;
        var next = new int[depth + 2, 1];
        var reward = new float[depth + 2, 1];
        var value = new float[depth + 2];
        for (var d = 0; d <= depth; d++)
        {
            next[d, 0] = d + 1;
            reward[d, 0] = d + 1;
            value[d] = 0.5f;
        }

        var model = new TabularGameModel(next, reward, value);
        var options = SearchOptions.Default with { Simulations = depth, Discount = 0.8f, ValuePrefixHorizon = 3 };
        using var search = new BatchedSearch(options, model.Shape, 1);
        var results = Search(model, options, 1, seed: 0, noise: false, reuse: search);

        // Expected returns computed independently: simulation i reaches depth i.
        var expectedSum = 0.0; // the root's own prediction (given as 0)
        for (var node = 1; node <= depth; node++)
        {
            Assert.Equal(depth - node + 1, search.VisitCountOf(0, node));
            Assert.Equal(node, search.ChildOf(0, node - 1, 0));
            Assert.Equal(node, search.RewardOf(0, node - 1, node), 4);
            var ret = 0.0;
            for (var d = node - 1; d >= 0; d--) ret = (d + 1) + 0.8 * (d == node - 1 ? 0.5 : ret);
            expectedSum += ret;
        }

        Assert.Equal(expectedSum / (depth + 1), results.RootValue[0], 3);
    }

    [Fact]
    public void Same_seed_gives_identical_results_and_threads_do_not_change_them()
    {
        var shape = new ModelShape(1, 4, 3, 5);
        var model = new RandomOutputModel(shape);
        var options = SearchOptions.Default with { Simulations = 30 };
        var logits = Enumerable.Range(0, 40 * 5).Select(i => (i * 37 % 11) / 5f).ToArray();
        var a = Search(model, options, 40, seed: 11, noise: false, temperature: 1f, rootLogits: logits);
        var b = Search(model, options, 40, seed: 11, noise: false, temperature: 1f, rootLogits: logits);
        var noisy = Search(model, options, 40, seed: 11, noise: true, temperature: 1f, rootLogits: logits);
        var noisyThreads = Search(model, options, 40, seed: 11, noise: true, temperature: 1f, rootLogits: logits, threads: 3);
        var bigBatch = Enumerable.Range(0, 4).SelectMany(_ => logits).ToArray();
        var wide = Search(model, options, 160, seed: 11, noise: true, temperature: 1f, rootLogits: bigBatch);
        var wideThreads = Search(model, options, 160, seed: 11, noise: true, temperature: 1f, rootLogits: bigBatch, threads: 3);
        var otherSeed = Search(model, options, 40, seed: 12, noise: true, temperature: 1f, rootLogits: logits);

        Assert.Equal(a.VisitCounts, b.VisitCounts);
        Assert.Equal(a.RootValue, b.RootValue);
        Assert.Equal(a.Action, b.Action);
        Assert.Equal(noisy.VisitCounts, noisyThreads.VisitCounts);
        Assert.Equal(noisy.RootValue, noisyThreads.RootValue);
        Assert.Equal(noisy.Action, noisyThreads.Action);
        Assert.NotEqual(noisy.VisitCounts, otherSeed.VisitCounts);
        Assert.Equal(wide.VisitCounts, wideThreads.VisitCounts); // enough roots to really split over threads
        Assert.Equal(wide.RootValue, wideThreads.RootValue);
        Assert.Equal(wide.Action, wideThreads.Action);
    }

    [Fact]
    public void Root_noise_is_a_dirichlet_mixture()
    {
        var model = DelayedRewardGame();
        var options = SearchOptions.Default with { Simulations = 1, DirichletFraction = 0.25f };
        using var search = new BatchedSearch(options, model.Shape, 8);
        Search(model, options, 8, seed: 5, noise: true, reuse: search);
        for (var b = 0; b < 8; b++)
        {
            var priors = Enumerable.Range(0, 3).Select(a => search.PriorOf(b, 0, a)).ToArray();
            Assert.Equal(1f, priors.Sum(), 4);
            // Uniform logits: (1 - f) / 3 + f * noise, and noise is in [0, 1].
            Assert.All(priors, p => Assert.InRange(p, 0.75f / 3 - 1e-6f, 0.75f / 3 + 0.25f + 1e-6f));
            Assert.NotEqual(1f / 3, priors[0], 4);
        }
    }

    [Fact]
    public void Illegal_root_actions_are_never_visited()
    {
        var legal = new bool[2 * 3];
        legal[0] = true; // root 0: only action 0 (the myopic one)
        legal[4] = legal[5] = true; // root 1: actions 1 and 2
        var results = Search(DelayedRewardGame(), SearchOptions.Default with { Simulations = 40, Discount = 0.9f }, 2, seed: 9, noise: true, legal: legal);
        Assert.Equal([40, 0, 0], results.VisitCountsOf(0).ToArray());
        Assert.Equal(0, results.VisitCountsOf(1)[0]);
        Assert.Equal(40, results.VisitCountsOf(1)[1] + results.VisitCountsOf(1)[2]);
        Assert.NotEqual(0, results.Action[1]);
    }

    [Fact]
    public void Search_allocates_nothing_after_warm_up()
    {
        var shape = new ModelShape(1, 8, 4, 6);
        var model = new RandomOutputModel(shape);
        var options = SearchOptions.Default with { Simulations = 50 };
        using var search = new BatchedSearch(options, shape, 16);
        var latent = new float[16 * 8];
        var value = new float[16];
        var logits = new float[16 * 6];
        var results = new SearchResults(16, 6);
        search.Run(model, new SearchRoots(16, latent, value, logits), results, 1, true, 1f);

        var before = GC.GetAllocatedBytesForCurrentThread();
        search.Run(model, new SearchRoots(16, latent, value, logits), results, 2, true, 1f);
        search.Run(model, new SearchRoots(16, latent, value, logits), results, 3, false, 0f);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Smaller_batches_reuse_the_trees()
    {
        var model = DelayedRewardGame();
        var options = SearchOptions.Default with { Simulations = 60, Discount = 0.9f };
        using var search = new BatchedSearch(options, model.Shape, 8);
        Search(model, options, 8, seed: 1, noise: true, reuse: search);
        var small = Search(model, options, 3, seed: 1, noise: false, reuse: search);
        var fresh = Search(model, options, 3, seed: 1, noise: false);
        Assert.Equal(fresh.VisitCounts.AsSpan(0, 9).ToArray(), small.VisitCounts.AsSpan(0, 9).ToArray());
        Assert.Equal(3, small.Batch);
    }

    [Fact]
    public void A_failure_on_a_worker_thread_reaches_the_caller_and_the_search_stays_usable()
    {
        var shape = new ModelShape(1, 4, 3, 5);
        var model = new RandomOutputModel(shape);
        using var search = new BatchedSearch(SearchOptions.Default with { Simulations = 5 }, shape, 128, threads: 3);
        var logits = new float[128 * 5];
        logits[^1] = float.NaN; // the last root belongs to a worker thread's share
        var results = new SearchResults(128, 5);
        var error = Assert.Throws<InvalidOperationException>(() =>
            search.Run(model, new SearchRoots(128, new float[128 * 4], new float[128], logits), results, 1, false, 0));
        Assert.Contains("not finite", error.Message);
        logits[^1] = 0;
        search.Run(model, new SearchRoots(128, new float[128 * 4], new float[128], logits), results, 1, false, 0);
        Assert.Equal(5, results.VisitCountsOf(127).ToArray().Sum());
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_their_name()
    {
        var model = DelayedRewardGame();
        using var search = new BatchedSearch(SearchOptions.Default, model.Shape, 2);
        var results = new SearchResults(2, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => search.Run(model, new SearchRoots(3, new float[3], new float[3], new float[9]), results, 0, false, 0));
        Assert.Throws<ArgumentException>(() => search.Run(model, new SearchRoots(2, new float[2], new float[2], new float[5]), results, 0, false, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => search.Run(model, new SearchRoots(2, new float[2], new float[2], new float[6]), results, 0, false, -1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (SearchOptions.Default with { PbC2 = 0 }).Validate());
        Assert.Equal("PbC2", error.ParamName);
    }
}
