using SpeedyZero.Core.Model;

namespace SpeedyZero.Core.Search;

/// <summary>
/// MCTS over many roots at once (ALGORITHM.md section 3). Every simulation selects one leaf per
/// tree, makes exactly one batched <see cref="IRecurrentModel.RecurrentInference"/> call for all
/// of them, then expands and backs up. Trees are struct-of-arrays, allocated once for the
/// largest batch and reused: the node created at simulation i has index i + 1, children are
/// indexed by action, latent and LSTM states live in flat pools laid out [node, root, size] so
/// the model writes each simulation's outputs straight into place. After the first search no
/// call allocates. Not thread-safe: one search at a time (it may use its own worker threads).
/// </summary>
public sealed class BatchedSearch : IDisposable
{
    private const int NoChild = -1;

    // Below this many roots per worker, waking threads costs more than the work.
    private const int MinRootsPerWorker = 32;

    private readonly SearchOptions options;
    private readonly int maxBatch;
    private readonly int nodes;
    private readonly int actionCount;
    private readonly int latentSize;
    private readonly int lstmSize;
    private readonly RootWorkers workers;
    private readonly RootWorkers.RangeBody phaseBody;

    // [root, node]
    private readonly int[] visits;
    private readonly float[] valueSum;
    private readonly float[] valuePrefix;
    private readonly bool[] isReset;

    // [root, node, action]
    private readonly int[] children;
    private readonly float[] priors;

    // [node, root, size]: simulation i writes rows of node i + 1 directly.
    private readonly float[] latentPool;
    private readonly float[] hiddenPool;
    private readonly float[] cellPool;

    // Model inputs and scalar outputs, [root, ...].
    private readonly float[] inputLatent;
    private readonly float[] inputHidden;
    private readonly float[] inputCell;
    private readonly int[] inputAction;
    private readonly float[] outputValuePrefix;
    private readonly float[] outputValue;
    private readonly float[] outputLogits;

    // Per root: search path of the pending leaf, its action, Q range, random stream, legal mask.
    private readonly int[] paths;
    private readonly int[] pathLength;
    private readonly int[] leafAction;
    private readonly float[] minQ;
    private readonly float[] maxQ;
    private readonly ulong[] random;
    private readonly bool[] rootLegal;

    // Per worker: pUCT scores of the node being expanded from, or noise draws at the root, [worker, action].
    private readonly float[] scratchQ;

    private int batch;
    private int simulation;
    private bool noiseOn;

    /// <param name="options">Search settings (validated here).</param>
    /// <param name="shape">The model's buffer sizes.</param>
    /// <param name="maxBatch">Largest number of roots searched together.</param>
    /// <param name="threads">Threads for selection and backup, the caller's included; 1 runs everything on the caller.</param>
    public BatchedSearch(SearchOptions options, ModelShape shape, int maxBatch, int threads = 1)
    {
        this.options = options.Validate();
        shape.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        this.maxBatch = maxBatch;
        Shape = shape;
        nodes = options.Simulations + 1;
        actionCount = shape.ActionCount;
        latentSize = shape.LatentSize;
        lstmSize = shape.LstmHiddenSize;

        var treeNodes = checked(maxBatch * nodes);
        visits = new int[treeNodes];
        valueSum = new float[treeNodes];
        valuePrefix = new float[treeNodes];
        isReset = new bool[treeNodes];
        children = new int[checked(treeNodes * actionCount)];
        priors = new float[children.Length];
        latentPool = new float[checked(treeNodes * latentSize)];
        hiddenPool = new float[checked(treeNodes * lstmSize)];
        cellPool = new float[hiddenPool.Length];

        inputLatent = new float[maxBatch * latentSize];
        inputHidden = new float[maxBatch * lstmSize];
        inputCell = new float[maxBatch * lstmSize];
        inputAction = new int[maxBatch];
        outputValuePrefix = new float[maxBatch];
        outputValue = new float[maxBatch];
        outputLogits = new float[maxBatch * actionCount];

        paths = new int[checked(maxBatch * (nodes + 1))];
        pathLength = new int[maxBatch];
        leafAction = new int[maxBatch];
        minQ = new float[maxBatch];
        maxQ = new float[maxBatch];
        random = new ulong[maxBatch];
        rootLegal = new bool[maxBatch * actionCount];

        workers = new RootWorkers(threads);
        scratchQ = new float[workers.Count * actionCount];
        phaseBody = RunPhase;
    }

    /// <summary>Settings this search runs with.</summary>
    public SearchOptions Options => options;

    /// <summary>The model shape the buffers are sized for.</summary>
    public ModelShape Shape { get; }

    /// <summary>Largest batch of roots.</summary>
    public int MaxBatch => maxBatch;

    /// <summary>Threads used for selection and backup, the caller's included.</summary>
    public int Threads => workers.Count;

    /// <summary>
    /// Searches every root. Deterministic for a given <paramref name="seed"/> (whatever the thread
    /// count): root <c>b</c> draws its noise, tie-breaks and action from its own stream.
    /// </summary>
    /// <param name="model">The model; called <see cref="SearchOptions.Simulations"/> times, once per simulation.</param>
    /// <param name="roots">Initial-inference outputs of the roots.</param>
    /// <param name="results">Buffers the visit distributions, root values and actions are written to.</param>
    /// <param name="seed">Randomness of this search.</param>
    /// <param name="rootNoise">Mix Dirichlet noise into root priors (self-play, reanalysis) or not (evaluation).</param>
    /// <param name="temperature">Visit temperature for the chosen action; 0 takes the most visited.</param>
    public void Run(IRecurrentModel model, in SearchRoots roots, SearchResults results, ulong seed, bool rootNoise, float temperature)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(results);
        var n = roots.Batch;
        if (n < 1 || n > maxBatch) throw new ArgumentOutOfRangeException(nameof(roots), n, $"batch must be in [1, {maxBatch}]");
        if (model.Shape != Shape) throw new ArgumentException($"model shape {model.Shape} differs from the search's {Shape}", nameof(model));
        if (results.MaxBatch < n || results.ActionCount != actionCount) throw new ArgumentException("result buffers too small for this batch or action count", nameof(results));
        CheckLength(roots.Latent.Length, n * latentSize, "roots latent");
        CheckLength(roots.Value.Length, n, "roots value");
        CheckLength(roots.PolicyLogits.Length, n * actionCount, "roots policy logits");
        if (!roots.LegalActions.IsEmpty) CheckLength(roots.LegalActions.Length, n * actionCount, "roots legal actions");
        if (!(temperature >= 0) || float.IsInfinity(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "must be finite and non-negative");

        batch = n;
        noiseOn = rootNoise && options.DirichletFraction > 0;
        roots.Latent.CopyTo(latentPool);
        roots.Value.CopyTo(outputValue);
        roots.PolicyLogits.CopyTo(outputLogits);
        if (roots.LegalActions.IsEmpty)
        {
            rootLegal.AsSpan(0, n * actionCount).Fill(true);
        }
        else
        {
            roots.LegalActions.CopyTo(rootLegal);
        }

        for (var b = 0; b < n; b++)
        {
            random[b] = SearchRandom.StreamState(seed, b);
        }

        var shares = Math.Max(1, n / MinRootsPerWorker);
        var sims = options.Simulations;
        var rowLatent = n * latentSize;
        var rowLstm = n * lstmSize;
        for (simulation = 0; simulation <= sims; simulation++)
        {
            // One phase per simulation: finish the previous leaf of each tree, then pick the next.
            workers.Run(n, shares, phaseBody);
            if (simulation == sims)
            {
                break;
            }

            var node = simulation + 1;
            model.RecurrentInference(
                inputLatent.AsSpan(0, rowLatent), inputHidden.AsSpan(0, rowLstm), inputCell.AsSpan(0, rowLstm),
                inputAction.AsSpan(0, n), n,
                new InferenceOutputs(
                    latentPool.AsSpan(node * rowLatent, rowLatent),
                    hiddenPool.AsSpan(node * rowLstm, rowLstm),
                    cellPool.AsSpan(node * rowLstm, rowLstm),
                    outputValuePrefix.AsSpan(0, n), outputValue.AsSpan(0, n), outputLogits.AsSpan(0, n * actionCount)));
        }

        WriteResults(results, temperature);
    }

    /// <summary>Child of <paramref name="node"/> in tree <paramref name="root"/> through <paramref name="action"/>, or -1 when not expanded.</summary>
    public int ChildOf(int root, int node, int action) => children[(root * nodes + node) * actionCount + action];

    /// <summary>Visits of a node in the last search (its own expansion counts as one).</summary>
    public int VisitCountOf(int root, int node) => visits[root * nodes + node];

    /// <summary>Mean backed-up value of a node in the last search.</summary>
    public float ValueOf(int root, int node)
    {
        var i = root * nodes + node;
        return visits[i] == 0 ? 0f : valueSum[i] / visits[i];
    }

    /// <summary>Prior of the edge <paramref name="node"/> -> <paramref name="action"/> (after root noise).</summary>
    public float PriorOf(int root, int node, int action) => priors[(root * nodes + node) * actionCount + action];

    /// <summary>Reward of the edge into <paramref name="child"/> from <paramref name="parent"/>, rebuilt from value prefixes.</summary>
    public float RewardOf(int root, int parent, int child)
    {
        var baseIndex = root * nodes;
        return EdgeReward(baseIndex + parent, baseIndex + child);
    }

    /// <summary>Q range (min, max) seen in tree <paramref name="root"/>; min &gt; max when nothing was seen.</summary>
    public (float Min, float Max) QRangeOf(int root) => (minQ[root], maxQ[root]);

    public void Dispose() => workers.Dispose();

    private static void CheckLength(int actual, int expected, string what)
    {
        if (actual != expected) throw new ArgumentException($"{what} holds {actual} values, expected {expected}");
    }

    private float EdgeReward(int parentIndex, int childIndex) =>
        isReset[parentIndex] ? valuePrefix[childIndex] : valuePrefix[childIndex] - valuePrefix[parentIndex];

    private void RunPhase(int worker, int start, int end)
    {
        var sim = simulation;
        for (var b = start; b < end; b++)
        {
            if (sim == 0)
            {
                InitRoot(b, worker);
            }
            else
            {
                ExpandAndBackup(b, sim);
            }

            if (sim < options.Simulations)
            {
                SelectLeaf(b, worker);
            }
        }
    }

    private void InitRoot(int b, int worker)
    {
        var rootIndex = b * nodes;
        visits[rootIndex] = 1;
        valueSum[rootIndex] = outputValue[b];
        valuePrefix[rootIndex] = 0f;
        isReset[rootIndex] = true;
        minQ[b] = MinMaxNormalizer.EmptyMin;
        maxQ[b] = MinMaxNormalizer.EmptyMax;

        var rowPriors = priors.AsSpan(rootIndex * actionCount, actionCount);
        var legal = rootLegal.AsSpan(b * actionCount, actionCount);
        children.AsSpan(rootIndex * actionCount, actionCount).Fill(NoChild);
        Softmax(outputLogits.AsSpan(b * actionCount, actionCount), rowPriors, legal);
        if (noiseOn)
        {
            AddDirichletNoise(rowPriors, legal, scratchQ.AsSpan(worker * actionCount, actionCount), ref random[b]);
        }
    }

    private void AddDirichletNoise(Span<float> rowPriors, ReadOnlySpan<bool> legal, Span<float> draws, ref ulong state)
    {
        // Gamma draws normalised over the legal actions are one Dirichlet sample.
        var total = 0.0;
        for (var a = 0; a < rowPriors.Length; a++)
        {
            var g = legal[a] ? SearchRandom.NextGamma(ref state, options.DirichletAlpha) : 0.0;
            draws[a] = (float)g;
            total += g;
        }

        var f = options.DirichletFraction;
        var scale = total > 0 ? 1.0 / total : 0.0;
        for (var a = 0; a < rowPriors.Length; a++)
        {
            rowPriors[a] = (1 - f) * rowPriors[a] + f * (float)(draws[a] * scale);
        }
    }

    private void ExpandAndBackup(int b, int sim)
    {
        var baseIndex = b * nodes;
        var path = paths.AsSpan(b * (nodes + 1), nodes + 1);
        var length = pathLength[b];
        var parent = path[length - 1];
        var newNode = sim;
        var newIndex = baseIndex + newNode;
        children[(baseIndex + parent) * actionCount + leafAction[b]] = newNode;
        valuePrefix[newIndex] = outputValuePrefix[b];
        isReset[newIndex] = length % options.ValuePrefixHorizon == 0; // its depth is `length`
        visits[newIndex] = 0;
        valueSum[newIndex] = 0f;
        children.AsSpan(newIndex * actionCount, actionCount).Fill(NoChild);
        Softmax(outputLogits.AsSpan(b * actionCount, actionCount), priors.AsSpan(newIndex * actionCount, actionCount), default);
        path[length] = newNode;
        length++;

        // Backup: each node gets the discounted return from itself down; Q seen widens the range.
        var discount = options.Discount;
        var ret = outputValue[b];
        var lo = minQ[b];
        var hi = maxQ[b];
        for (var i = length - 1; i >= 0; i--)
        {
            var index = baseIndex + path[i];
            valueSum[index] += ret;
            visits[index]++;
            if (i == 0)
            {
                break;
            }

            var reward = EdgeReward(baseIndex + path[i - 1], index);
            var q = reward + discount * (valueSum[index] / visits[index]);
            if (q < lo) lo = q;
            if (q > hi) hi = q;
            ret = reward + discount * ret;
        }

        minQ[b] = lo;
        maxQ[b] = hi;
    }

    private void SelectLeaf(int b, int worker)
    {
        var baseIndex = b * nodes;
        var path = paths.AsSpan(b * (nodes + 1), nodes + 1);
        var scores = scratchQ.AsSpan(worker * actionCount, actionCount);
        var discount = options.Discount;
        var c1 = options.PbC1;
        var c2 = options.PbC2;
        var epsilon = options.TieEpsilon;
        ref var state = ref random[b];

        // Min-max normalisation as one multiply-add: (q - lo) * scale, clamped to [0, 1].
        var (lo, scale) = MinMaxNormalizer.Affine(minQ[b], maxQ[b], options.MinMaxFloor);

        var node = 0;
        var depth = 0;
        var parentMeanQ = 0f;
        path[0] = 0;
        while (true)
        {
            var nodeIndex = baseIndex + node;
            var childRow = children.AsSpan(nodeIndex * actionCount, actionCount);
            var priorRow = priors.AsSpan(nodeIndex * actionCount, actionCount);
            var legal = depth == 0 ? rootLegal.AsSpan(b * actionCount, actionCount) : default;
            var parentPrefix = isReset[nodeIndex] ? 0f : valuePrefix[nodeIndex];

            // Mean Q of the visited children; unvisited children are scored with it
            // (EfficientZero: below the root the mean also counts the parent's own mean Q).
            var sumQ = 0f;
            var visited = 0;
            for (var a = 0; a < childRow.Length; a++)
            {
                var c = childRow[a];
                if (c == NoChild)
                {
                    continue;
                }

                var ci = baseIndex + c;
                sumQ += valuePrefix[ci] - parentPrefix + discount * (valueSum[ci] / visits[ci]);
                visited++;
            }

            var meanQ = depth == 0
                ? (visited > 0 ? sumQ / visited : 0f)
                : (parentMeanQ + sumQ) / (visited + 1);
            parentMeanQ = meanQ;
            var meanScore = Clamp01((meanQ - lo) * scale);

            // N_parent counts the node's own expansion visit (as mctx), so the first simulation
            // already follows the prior instead of a uniform tie.
            float parentVisits = visits[nodeIndex];
            var pbC = (MathF.Log((parentVisits + c2 + 1f) / c2) + c1) * MathF.Sqrt(parentVisits);

            // Best score, and a tie count that is exactly 1 only when the best is unique.
            var best = float.NegativeInfinity;
            var chosen = -1;
            var ties = 0;
            for (var a = 0; a < childRow.Length; a++)
            {
                if (!legal.IsEmpty && !legal[a])
                {
                    scores[a] = float.NegativeInfinity;
                    continue;
                }

                var c = childRow[a];
                float score;
                if (c == NoChild)
                {
                    score = priorRow[a] * pbC + meanScore;
                }
                else
                {
                    var ci = baseIndex + c;
                    var q = valuePrefix[ci] - parentPrefix + discount * (valueSum[ci] / visits[ci]);
                    score = priorRow[a] * pbC / (1 + visits[ci]) + Clamp01((q - lo) * scale);
                }

                scores[a] = score;
                if (score > best + epsilon)
                {
                    best = score;
                    chosen = a;
                    ties = 1;
                }
                else if (score >= best - epsilon)
                {
                    ties++;
                    if (score > best) best = score;
                }
            }

            if (ties > 1)
            {
                chosen = PickTie(scores, best - epsilon, ref state);
            }

            var next = childRow[chosen];
            if (next == NoChild)
            {
                pathLength[b] = depth + 1;
                leafAction[b] = chosen;
                GatherInputs(b, node, chosen);
                return;
            }

            node = next;
            depth++;
            path[depth] = node;
        }
    }

    private static float Clamp01(float x) => x < 0f ? 0f : x > 1f ? 1f : x;

    // Uniform choice among the scores at or above the threshold.
    private static int PickTie(ReadOnlySpan<float> scores, float threshold, ref ulong state)
    {
        var count = 0;
        for (var a = 0; a < scores.Length; a++)
        {
            if (scores[a] >= threshold) count++;
        }

        var pick = SearchRandom.NextInt(ref state, count);
        for (var a = 0; a < scores.Length; a++)
        {
            if (scores[a] >= threshold && pick-- == 0) return a;
        }

        throw new InvalidOperationException("unreachable: a tie vanished");
    }

    private void GatherInputs(int b, int parent, int action)
    {
        var n = batch;
        latentPool.AsSpan((parent * n + b) * latentSize, latentSize).CopyTo(inputLatent.AsSpan(b * latentSize, latentSize));
        var hidden = inputHidden.AsSpan(b * lstmSize, lstmSize);
        var cell = inputCell.AsSpan(b * lstmSize, lstmSize);
        if (isReset[b * nodes + parent])
        {
            hidden.Clear();
            cell.Clear();
        }
        else
        {
            hiddenPool.AsSpan((parent * n + b) * lstmSize, lstmSize).CopyTo(hidden);
            cellPool.AsSpan((parent * n + b) * lstmSize, lstmSize).CopyTo(cell);
        }

        inputAction[b] = action;
    }

    private static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, ReadOnlySpan<bool> legal)
    {
        var max = float.NegativeInfinity;
        for (var a = 0; a < logits.Length; a++)
        {
            if ((legal.IsEmpty || legal[a]) && logits[a] > max) max = logits[a];
        }

        var sum = 0f;
        for (var a = 0; a < logits.Length; a++)
        {
            var p = legal.IsEmpty || legal[a] ? MathF.Exp(logits[a] - max) : 0f;
            probabilities[a] = p;
            sum += p;
        }

        if (!(sum > 0) || float.IsInfinity(sum))
        {
            throw new InvalidOperationException("policy logits are not finite, or no action is legal");
        }

        var inv = 1f / sum;
        for (var a = 0; a < probabilities.Length; a++)
        {
            probabilities[a] *= inv;
        }
    }

    private void WriteResults(SearchResults results, float temperature)
    {
        results.Batch = batch;
        for (var b = 0; b < batch; b++)
        {
            var rootIndex = b * nodes;
            var childRow = children.AsSpan(rootIndex * actionCount, actionCount);
            var counts = results.VisitCounts.AsSpan(b * actionCount, actionCount);
            var policy = results.Policy.AsSpan(b * actionCount, actionCount);
            var total = 0;
            for (var a = 0; a < actionCount; a++)
            {
                var c = childRow[a];
                counts[a] = c == NoChild ? 0 : visits[rootIndex + c];
                total += counts[a];
            }

            for (var a = 0; a < actionCount; a++)
            {
                policy[a] = (float)counts[a] / total;
            }

            results.RootValue[b] = valueSum[rootIndex] / visits[rootIndex];
            results.Action[b] = VisitSampling.Choose(counts, temperature, ref random[b]);
        }
    }
}
