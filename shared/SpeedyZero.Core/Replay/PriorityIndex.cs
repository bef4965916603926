namespace SpeedyZero.Core.Replay;

/// <summary>
/// Prioritised sampling over transitions (ALGORITHM.md section 5). Each transition gets a global
/// id in order of arrival and carries the caller's key (where its data lives). Ids map to slots
/// as <c>id mod Capacity</c>, so a full index evicts exactly the oldest transition; each slot
/// remembers its id, so an update for an evicted id is recognised, ignored and counted. A sum
/// tree holds <c>p^alpha</c>. Sampling draws a batch without replacement (drawn leaves are
/// zeroed during the batch and restored after) and returns importance weights normalised by
/// the batch maximum. Sample and update write into caller buffers and allocate nothing.
/// Not thread-safe.
/// </summary>
public sealed class PriorityIndex
{
    private const long Empty = -1;

    private readonly PriorityOptions options;
    private readonly SumTree tree;
    private readonly float[] priorities;
    private readonly long[] slotIds;
    private readonly long[] keys;
    private readonly LeafSet drawn = new();
    private double[] drawMass = [];
    private int[] drawLeaf = [];
    private double[] zeroedMass = [];

    public PriorityIndex(PriorityOptions options)
    {
        this.options = options.Validate();
        tree = new SumTree(options.Capacity);
        priorities = new float[options.Capacity];
        slotIds = new long[options.Capacity];
        keys = new long[options.Capacity];
        slotIds.AsSpan().Fill(Empty);
        MaxPriority = options.InitialMaxPriority;
    }

    /// <summary>Settings of this index.</summary>
    public PriorityOptions Options => options;

    /// <summary>Transitions held at most.</summary>
    public int Capacity => options.Capacity;

    /// <summary>Transitions held now.</summary>
    public int Count => (int)(NextId - OldestId);

    /// <summary>Id of the oldest transition held (equals <see cref="NextId"/> when empty).</summary>
    public long OldestId { get; private set; }

    /// <summary>Id the next added transition gets; also the number of transitions ever added (from the first id).</summary>
    public long NextId { get; private set; }

    /// <summary>Largest priority ever written; new transitions enter with it.</summary>
    public float MaxPriority { get; private set; }

    /// <summary>Priority updates ignored because their transition had been evicted (or never existed).</summary>
    public long StaleUpdates { get; private set; }

    /// <summary>Transitions evicted to make room.</summary>
    public long Evictions { get; private set; }

    /// <summary>Sum of p^alpha over the held transitions.</summary>
    public double TotalMass => tree.Total;

    /// <summary>Adds one transition at the current maximum priority; returns its id.</summary>
    public long Add(long key)
    {
        var id = NextId;
        var slot = SlotOf(id);
        if (slotIds[slot] != Empty)
        {
            Evictions++;
            OldestId = slotIds[slot] + 1;
        }

        slotIds[slot] = id;
        keys[slot] = key;
        priorities[slot] = MaxPriority;
        tree.Set(slot, Mass(MaxPriority));
        NextId = id + 1;
        return id;
    }

    /// <summary>Adds transitions in order (each at the maximum priority); returns the first id.</summary>
    public long AddRange(ReadOnlySpan<long> newKeys)
    {
        var first = NextId;
        foreach (var key in newKeys)
        {
            Add(key);
        }

        return first;
    }

    /// <summary>Whether transition <paramref name="id"/> is held.</summary>
    public bool Contains(long id) => id >= OldestId && id < NextId && slotIds[SlotOf(id)] == id;

    /// <summary>
    /// Ids and keys of held transitions from <paramref name="fromId"/> on (or the oldest, if that is
    /// later), in id order, at most <c>ids.Length</c> of them; returns how many were written.
    /// Priority Refresh walks the whole buffer with it.
    /// </summary>
    public int Sweep(long fromId, Span<long> ids, Span<long> sweptKeys)
    {
        var start = Math.Max(fromId, OldestId);
        var n = (int)Math.Clamp(NextId - start, 0, Math.Min(ids.Length, sweptKeys.Length));
        for (var i = 0; i < n; i++)
        {
            ids[i] = start + i;
            sweptKeys[i] = keys[SlotOf(start + i)];
        }

        return n;
    }

    /// <summary>Key and priority of a held transition.</summary>
    public bool TryGet(long id, out long key, out float priority)
    {
        if (!Contains(id))
        {
            key = 0;
            priority = 0;
            return false;
        }

        var slot = SlotOf(id);
        key = keys[slot];
        priority = priorities[slot];
        return true;
    }

    /// <summary>
    /// Draws <paramref name="ids"/>.Length distinct transitions with probability proportional to
    /// p^alpha (sequentially without replacement), and their importance weights
    /// <c>(N P(i))^-beta / max_batch</c>.
    /// </summary>
    /// <remarks>
    /// Drawing with replacement and redrawing repeats gives exactly the without-replacement law
    /// (a redraw is proportional to p^alpha over the items not yet drawn). All draws walk the tree
    /// together so their cache misses overlap; when repeats persist (a few items hold most of the
    /// mass), the rest is drawn by zeroing drawn leaves for the batch and restoring them after.
    /// </remarks>
    /// <param name="beta">Importance-weight exponent (see <see cref="PriorityOptions.Beta"/>).</param>
    /// <param name="random">Randomness of this draw.</param>
    /// <param name="ids">Drawn transition ids (the batch size is its length).</param>
    /// <param name="sampledKeys">Their keys; same length as <paramref name="ids"/>.</param>
    /// <param name="weights">Their importance weights; same length as <paramref name="ids"/>.</param>
    public void Sample(double beta, Random random, Span<long> ids, Span<long> sampledKeys, Span<float> weights)
    {
        ArgumentNullException.ThrowIfNull(random);
        var batch = ids.Length;
        if (sampledKeys.Length != batch || weights.Length != batch) throw new ArgumentException("ids, keys and weights must have the same length");
        if (batch > Count) throw new ArgumentOutOfRangeException(nameof(ids), batch, $"batch larger than the {Count} transitions held");
        if (batch == 0) return;
        EnsureScratch(batch);

        var total = tree.Total;
        var masses = drawMass.AsSpan(0, batch);
        var leaves = drawLeaf.AsSpan(0, batch);
        for (var i = 0; i < batch; i++) masses[i] = random.NextDouble() * total;
        tree.FindMany(masses, leaves);

        drawn.Clear();
        var missing = 0;
        for (var i = 0; i < batch; i++)
        {
            if (drawn.Add(leaves[i])) leaves[missing++] = leaves[i];
        }

        // Redraw repeats a few rounds; then fall back to zeroing what is drawn.
        for (var round = 0; round < 4 && missing < batch; round++)
        {
            var need = batch - missing;
            var redraw = drawMass.AsSpan(0, need);
            var found = drawLeaf.AsSpan(batch, need);
            for (var i = 0; i < need; i++) redraw[i] = random.NextDouble() * total;
            tree.FindMany(redraw, found);
            foreach (var leaf in found)
            {
                if (drawn.Add(leaf)) leaves[missing++] = leaf;
            }
        }

        if (missing < batch)
        {
            DrawRestByZeroing(random, leaves, missing);
        }

        var minMass = double.PositiveInfinity;
        for (var i = 0; i < batch; i++)
        {
            var slot = leaves[i];
            var mass = tree[slot];
            masses[i] = mass;
            if (mass < minMass) minMass = mass;
            ids[i] = slotIds[slot];
            sampledKeys[i] = keys[slot];
        }

        // w_i / max w = (P_i / P_min)^-beta: N and the total cancel.
        for (var i = 0; i < batch; i++)
        {
            weights[i] = (float)Math.Pow(masses[i] / minMass, -beta);
        }
    }

    /// <summary>
    /// Writes new priorities (positive, finite: <c>|v - z| + 1e-6</c>); ids no longer held are
    /// skipped and counted in <see cref="StaleUpdates"/>.
    /// Returns how many were applied.
    /// </summary>
    public int Update(ReadOnlySpan<long> ids, ReadOnlySpan<float> newPriorities)
    {
        if (ids.Length != newPriorities.Length) throw new ArgumentException("ids and priorities must have the same length");
        for (var i = 0; i < newPriorities.Length; i++)
        {
            var p = newPriorities[i];
            // Positive only: every held transition keeps some mass, so any batch up to Count can be drawn.
            if (!(p > 0) || float.IsInfinity(p)) throw new ArgumentOutOfRangeException(nameof(newPriorities), p, $"priority {i} must be finite and positive");
        }

        var applied = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            var id = ids[i];
            if (!Contains(id))
            {
                StaleUpdates++;
                continue;
            }

            var p = newPriorities[i];
            var slot = SlotOf(id);
            priorities[slot] = p;
            tree.Set(slot, Mass(p));
            if (p > MaxPriority) MaxPriority = p;
            applied++;
        }

        return applied;
    }

    /// <summary>
    /// The whole state as plain arrays, oldest transition first. The arrays of <paramref name="reuse"/>
    /// (an earlier dump its owner is done with) are overwritten when they have the right length: a full
    /// replay's arrays are large objects, and a checkpoint dumps them every time.
    /// </summary>
    public PriorityIndexState Dump(PriorityIndexState? reuse = null)
    {
        var count = Count;
        var p = reuse?.Priorities.Length == count ? reuse.Priorities : new float[count];
        var k = reuse?.Keys.Length == count ? reuse.Keys : new long[count];
        for (var i = 0; i < count; i++)
        {
            var slot = SlotOf(OldestId + i);
            p[i] = priorities[slot];
            k[i] = keys[slot];
        }

        return new PriorityIndexState(OldestId, MaxPriority, StaleUpdates, Evictions, p, k);
    }

    /// <summary>
    /// An index with <paramref name="state"/>'s transitions, ids, priorities and counters.
    /// When the state holds more than the capacity, the oldest are evicted.
    /// </summary>
    public static PriorityIndex Restore(PriorityOptions options, PriorityIndexState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Validate();
        var index = new PriorityIndex(options);
        var count = state.Priorities.Length;
        var skip = Math.Max(0, count - options.Capacity);
        var masses = new double[options.Capacity];
        index.OldestId = state.OldestId + skip;
        index.NextId = state.OldestId + count;
        for (var i = skip; i < count; i++)
        {
            var id = state.OldestId + i;
            var slot = index.SlotOf(id);
            index.slotIds[slot] = id;
            index.keys[slot] = state.Keys[i];
            index.priorities[slot] = state.Priorities[i];
            masses[slot] = index.Mass(state.Priorities[i]);
        }

        index.tree.Rebuild(masses);
        index.MaxPriority = state.MaxPriority;
        index.StaleUpdates = state.StaleUpdates;
        index.Evictions = state.Evictions + skip;
        return index;
    }

    private void EnsureScratch(int batch)
    {
        if (drawMass.Length >= batch) return;
        drawMass = new double[batch];
        drawLeaf = new int[2 * batch];
        zeroedMass = new double[batch];
        drawn.Reserve(batch);
    }

    // Exact fallback: zero the drawn leaves, draw one at a time zeroing each, then restore all.
    private void DrawRestByZeroing(Random random, Span<int> leaves, int have)
    {
        var batch = leaves.Length;
        for (var i = 0; i < have; i++)
        {
            zeroedMass[i] = tree[leaves[i]];
            tree.Set(leaves[i], 0.0);
        }

        for (var i = have; i < batch; i++)
        {
            var leaf = tree.Find(random.NextDouble() * tree.Total);
            leaves[i] = leaf;
            zeroedMass[i] = tree[leaf];
            tree.Set(leaf, 0.0);
        }

        // Each leaf gets back exactly its mass; parents are recomputed, so the total is exact again.
        for (var i = 0; i < batch; i++)
        {
            tree.Set(leaves[i], zeroedMass[i]);
        }
    }

    private int SlotOf(long id) => (int)(id % options.Capacity);

    private double Mass(float priority) => Math.Pow(priority, options.Alpha);
}
