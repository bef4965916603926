using System.Buffers.Binary;
using System.Globalization;
using SpeedyZero.Core.Replay;
using StackExchange.Redis;

namespace SpeedyZero.Cluster.Replay;

/// <summary>
/// The replay service's state: the shared <see cref="ReplayState"/> in memory, with Redis as its
/// durable journal. Every change (a segment with its positions and any evictions; a priority
/// update) is written as one MULTI/EXEC transaction, in the order the changes were made in memory
/// (one writer at a time), before the call returns:
/// <list type="bullet">
/// <item><c>{p}:replay:seg:{id}</c>: the segment's bytes, as given to <see cref="AddAsync"/>;</item>
/// <item><c>{p}:replay:order</c>: list of "segmentId:lastTransitionId", oldest first (eviction order);</item>
/// <item><c>{p}:replay:prio:{c}</c>, <c>{p}:replay:keys:{c}</c>: priorities (float32) and keys (int64),
/// little-endian, of transition ids [c·4096, (c+1)·4096), written in place with SETRANGE;</item>
/// <item><c>{p}:replay:meta</c>: hash of oldest_id, next_id, max_priority_bits, stale_updates, evictions.</item>
/// </list>
/// Together they are exactly a <see cref="ReplayStateDump"/>, so a restarted replay rebuilds the
/// identical index (totals and capacity order). Eviction deletes the evicted segments, their order
/// entries and whole chunks below the oldest id in the same transaction.
/// A failed Redis write throws and leaves memory ahead of Redis: the store refuses every later write,
/// and the replay service treats it as fatal and restarts, rebuilding from Redis. Depends only on
/// an <see cref="IDatabase"/>, the run's names, the priority options and a seed.
/// </summary>
public sealed class RedisReplayStore
{
    /// <summary>Transition ids per priority / key chunk.</summary>
    public const int ChunkIds = 4096;

    private const string OldestField = "oldest_id";
    private const string NextField = "next_id";
    private const string MaxPriorityField = "max_priority_bits";
    private const string StaleField = "stale_updates";
    private const string EvictionsField = "evictions";

    private readonly IDatabase db;
    private readonly ClusterNames names;
    private readonly ReplayState state;
    // Changes reach Redis in the order they were made in memory: one writer at a time.
    private readonly SemaphoreSlim writer = new(1, 1);
    private volatile bool faulted;

    private RedisReplayStore(IDatabase db, ClusterNames names, ReplayState state)
    {
        this.db = db;
        this.names = names;
        this.state = state;
    }

    /// <summary>Segments received again while held, and not stored twice.</summary>
    public long Duplicates => state.Duplicates;

    /// <summary>Transitions evicted to make room.</summary>
    public long Evictions => state.Evictions;

    /// <summary>Sum of p^alpha over the held transitions.</summary>
    public double TotalMass => state.TotalMass;

    /// <summary>Transitions held at most.</summary>
    public int Capacity => state.Capacity;

    public ReplayStatus Status => state.Status;

    /// <summary>The state as it is in memory now (for tests and checks).</summary>
    public ReplayStateDump Dump() => state.Dump();

    public bool Holds(long segmentId) => state.Holds(segmentId);

    public ReplaySample Sample(int count, double beta) => state.Sample(count, beta);

    public ReplaySweep Sweep(long fromId, int count) => state.Sweep(fromId, count);

    /// <summary>
    /// Rebuilds the replay Redis holds (empty when it holds none). When Redis holds more transitions
    /// than <paramref name="options"/> allow, the oldest are evicted and Redis is brought in line first.
    /// </summary>
    public static async Task<RedisReplayStore> OpenAsync(IDatabase db, ClusterNames names, PriorityOptions options, int seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(names);
        var dump = await LoadAsync(db, names, cancellationToken);
        if (dump is null)
        {
            return new RedisReplayStore(db, names, new ReplayState(options, seed));
        }

        var store = new RedisReplayStore(db, names, ReplayState.Restore(options, dump, seed));
        await store.TrimToCapacityAsync(dump);
        return store;
    }

    /// <summary>Reads the replay state Redis holds, or null when there is none; all chunks in one pipeline.</summary>
    /// <exception cref="InvalidDataException">Redis holds a torn or malformed state.</exception>
    public static async Task<ReplayStateDump?> LoadAsync(IDatabase db, ClusterNames names, CancellationToken cancellationToken)
    {
        var meta = (await db.HashGetAllAsync(names.ReplayMeta).WaitAsync(cancellationToken)).ToDictionary(e => e.Name.ToString(), e => e.Value);
        if (meta.Count == 0) return null;
        long Field(string name) => meta.TryGetValue(name, out var value) && value.TryParse(out long parsed)
            ? parsed
            : throw new InvalidDataException($"replay meta in Redis lacks an integer {name}");
        var oldest = Field(OldestField);
        var next = Field(NextField);
        if (oldest < 0 || next < oldest || next - oldest > int.MaxValue)
        {
            throw new InvalidDataException($"replay meta in Redis holds transitions [{oldest}, {next})");
        }

        // Every read issued before any is awaited: one pipeline, not a round trip per chunk.
        var firstChunk = oldest / ChunkIds;
        var chunkCount = (int)(next == oldest ? 0 : (next - 1) / ChunkIds - firstChunk + 1);
        var priorityReads = new Task<RedisValue>[chunkCount];
        var keyReads = new Task<RedisValue>[chunkCount];
        for (var c = 0; c < chunkCount; c++)
        {
            priorityReads[c] = db.StringGetAsync(names.PriorityChunk(firstChunk + c));
            keyReads[c] = db.StringGetAsync(names.KeyChunk(firstChunk + c));
        }

        var orderRead = db.ListRangeAsync(names.ReplayOrder);
        await Task.WhenAll([.. priorityReads, .. keyReads, orderRead]).WaitAsync(cancellationToken);

        var count = (int)(next - oldest);
        var priorities = new float[count];
        var keys = new long[count];
        for (var c = 0; c < chunkCount; c++)
        {
            var chunk = firstChunk + c;
            var prio = (ReadOnlyMemory<byte>)priorityReads[c].Result;
            var keyBytes = (ReadOnlyMemory<byte>)keyReads[c].Result;
            var from = Math.Max(oldest, chunk * ChunkIds);
            var to = Math.Min(next, (chunk + 1) * ChunkIds);
            for (var id = from; id < to; id++)
            {
                var slot = (int)(id - chunk * ChunkIds);
                if ((slot + 1) * 8 > keyBytes.Length || (slot + 1) * 4 > prio.Length)
                {
                    throw new InvalidDataException($"replay state in Redis is torn: chunk {chunk} lacks transition {id}");
                }

                priorities[id - oldest] = BinaryPrimitives.ReadSingleLittleEndian(prio.Span[(slot * 4)..]);
                keys[id - oldest] = BinaryPrimitives.ReadInt64LittleEndian(keyBytes.Span[(slot * 8)..]);
            }
        }

        var entries = orderRead.Result;
        var order = new ReplayOrderEntry[entries.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = ParseOrderEntry(entries[i]);
        }

        var index = new PriorityIndexState(oldest, BitConverter.Int32BitsToSingle(checked((int)Field(MaxPriorityField))),
            Field(StaleField), Field(EvictionsField), priorities, keys);
        try
        {
            index.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"replay state in Redis: {e.Message}", e);
        }

        return new ReplayStateDump(index, order);
    }

    /// <summary>
    /// The stored bytes of each segment, in the order asked, with one MGET; null for a segment not
    /// stored (evicted). What reanalyzers read.
    /// </summary>
    public static async Task<byte[]?[]> ReadSegmentsAsync(IDatabase db, ClusterNames names, IReadOnlyList<long> segmentIds,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segmentIds);
        if (segmentIds.Count == 0) return [];
        var keys = new RedisKey[segmentIds.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = names.SegmentKey(segmentIds[i]);
        }

        var values = await db.StringGetAsync(keys).WaitAsync(cancellationToken);
        var segments = new byte[]?[values.Length];
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = values[i].IsNull ? null : (byte[]?)values[i];
        }

        return segments;
    }

    /// <summary>
    /// Stores segment <paramref name="segmentId"/>: its <paramref name="encoded"/> bytes as they are and
    /// its <paramref name="positions"/> transitions at the maximum priority, with any evictions, in one
    /// transaction. False (nothing written) for a segment held already.
    /// </summary>
    /// <remarks><paramref name="cancellationToken"/> only stops the wait for the writer; a change once made is always written.</remarks>
    /// <exception cref="RedisException">The write failed (or an earlier one did): restart and rebuild.</exception>
    public async Task<bool> AddAsync(long segmentId, int positions, ReadOnlyMemory<byte> encoded, CancellationToken cancellationToken)
    {
        await writer.WaitAsync(cancellationToken);
        try
        {
            ThrowIfFaulted();
            var addition = state.Add(segmentId, positions);
            if (addition is null) return false;

            var transaction = db.CreateTransaction();
            var writes = new List<Task>
            {
                transaction.StringSetAsync(names.SegmentKey(segmentId), encoded),
                transaction.ListRightPushAsync(names.ReplayOrder, $"{segmentId}:{addition.LastId}"),
            };
            WriteAddedRange(transaction, writes, addition);
            var evicted = addition.EvictedSegments;
            var (firstDropped, endDropped) = addition.DroppedChunks(ChunkIds);
            if (evicted.Length > 0)
            {
                writes.Add(transaction.ListTrimAsync(names.ReplayOrder, evicted.Length, -1));
            }

            var deleted = new List<RedisKey>(evicted.Length + 2 * (int)(endDropped - firstDropped));
            deleted.AddRange(evicted.Select(id => (RedisKey)names.SegmentKey(id)));
            for (var chunk = firstDropped; chunk < endDropped; chunk++)
            {
                deleted.Add(names.PriorityChunk(chunk));
                deleted.Add(names.KeyChunk(chunk));
            }

            if (deleted.Count > 0) writes.Add(transaction.KeyDeleteAsync([.. deleted]));
            writes.Add(transaction.HashSetAsync(names.ReplayMeta, Meta(addition.Counters)));
            await CommitAsync(transaction, writes, $"segment {segmentId}");
            return true;
        }
        finally
        {
            writer.Release();
        }
    }

    /// <summary>New priorities by id, in one transaction; ids evicted meanwhile are ignored.</summary>
    /// <returns>How many ids were still held and updated.</returns>
    /// <exception cref="RedisException">The write failed (or an earlier one did): restart and rebuild.</exception>
    public async Task<int> UpdatePrioritiesAsync(long[] ids, float[] priorities, CancellationToken cancellationToken)
    {
        await writer.WaitAsync(cancellationToken);
        try
        {
            ThrowIfFaulted();
            var update = state.UpdatePriorities(ids, priorities);
            var transaction = db.CreateTransaction();
            var writes = new List<Task>();
            // Runs of consecutive ids in one chunk (a refresh sweep is one run) go in one SETRANGE each.
            for (var start = 0; start < update.Count;)
            {
                var chunk = update.Ids[start] / ChunkIds;
                var end = start + 1;
                while (end < update.Count && update.Ids[end] == update.Ids[end - 1] + 1 && update.Ids[end] / ChunkIds == chunk) end++;
                var bytes = new byte[4 * (end - start)];
                for (var i = start; i < end; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * (i - start)), update.Priorities[i]);
                }

                writes.Add(transaction.StringSetRangeAsync(names.PriorityChunk(chunk), 4 * (update.Ids[start] - chunk * ChunkIds), bytes));
                start = end;
            }

            writes.Add(transaction.HashSetAsync(names.ReplayMeta, Meta(update.Counters)));
            await CommitAsync(transaction, writes, "priority update");
            return update.Count;
        }
        finally
        {
            writer.Release();
        }
    }

    // Priorities and keys of the added ids into their chunks, one SETRANGE per chunk and array.
    private void WriteAddedRange(ITransaction transaction, List<Task> writes, ReplayAddition addition)
    {
        for (var start = addition.FirstId; start <= addition.LastId;)
        {
            var chunk = start / ChunkIds;
            var end = Math.Min(addition.LastId + 1, (chunk + 1) * ChunkIds);
            var n = (int)(end - start);
            var prio = new byte[n * 4];
            var keyBytes = new byte[n * 8];
            for (var i = 0; i < n; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(prio.AsSpan(i * 4), addition.Priority);
                BinaryPrimitives.WriteInt64LittleEndian(keyBytes.AsSpan(i * 8), TransitionKey.Of(addition.SegmentId, (int)(start + i - addition.FirstId)));
            }

            var offset = start - chunk * ChunkIds;
            writes.Add(transaction.StringSetRangeAsync(names.PriorityChunk(chunk), offset * 4, prio));
            writes.Add(transaction.StringSetRangeAsync(names.KeyChunk(chunk), offset * 8, keyBytes));
            start = end;
        }
    }

    // Redis held more than the capacity allows: delete what the restore evicted, in one transaction.
    private async Task TrimToCapacityAsync(ReplayStateDump loaded)
    {
        var now = state.Dump();
        var oldestBefore = loaded.Index.OldestId;
        var oldest = now.Index.OldestId;
        if (oldest == oldestBefore) return;

        var dropped = loaded.Order.Length - now.Order.Length;
        var transaction = db.CreateTransaction();
        var writes = new List<Task>();
        var deleted = new List<RedisKey>();
        deleted.AddRange(loaded.Order.Take(dropped).Select(e => (RedisKey)names.SegmentKey(e.SegmentId)));
        for (var chunk = oldestBefore / ChunkIds; chunk < oldest / ChunkIds; chunk++)
        {
            deleted.Add(names.PriorityChunk(chunk));
            deleted.Add(names.KeyChunk(chunk));
        }

        if (dropped > 0) writes.Add(transaction.ListTrimAsync(names.ReplayOrder, dropped, -1));
        if (deleted.Count > 0) writes.Add(transaction.KeyDeleteAsync([.. deleted]));
        var index = now.Index;
        writes.Add(transaction.HashSetAsync(names.ReplayMeta,
            Meta(new ReplayCounters(index.OldestId, index.OldestId + index.Priorities.Length, index.MaxPriority, index.StaleUpdates, index.Evictions))));
        await CommitAsync(transaction, writes, "trim to capacity");
    }

    private static HashEntry[] Meta(ReplayCounters counters) =>
    [
        new(OldestField, counters.OldestId),
        new(NextField, counters.NextId),
        new(MaxPriorityField, (long)BitConverter.SingleToInt32Bits(counters.MaxPriority)),
        new(StaleField, counters.StaleUpdates),
        new(EvictionsField, counters.Evictions),
    ];

    private static ReplayOrderEntry ParseOrderEntry(RedisValue entry)
    {
        var text = entry.ToString();
        var colon = text.IndexOf(':');
        if (colon <= 0
            || !long.TryParse(text.AsSpan(0, colon), NumberStyles.Integer, CultureInfo.InvariantCulture, out var segmentId)
            || !long.TryParse(text.AsSpan(colon + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var lastId))
        {
            throw new InvalidDataException($"replay order in Redis holds '{text}', not segmentId:lastTransitionId");
        }

        return new ReplayOrderEntry(segmentId, lastId);
    }

    // Sends the transaction and checks every command in it; any failure faults the store.
    private async Task CommitAsync(ITransaction transaction, List<Task> writes, string what)
    {
        try
        {
            if (!await transaction.ExecuteAsync())
            {
                throw new RedisException($"replay transaction ({what}) was not committed");
            }

            await Task.WhenAll(writes);
        }
        catch
        {
            faulted = true;
            // The queued commands fail with the transaction; observe them so none goes unobserved.
            foreach (var write in writes)
            {
                _ = write.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }

            throw;
        }
    }

    private void ThrowIfFaulted()
    {
        if (faulted)
        {
            throw new RedisException("an earlier replay write to Redis failed; memory is ahead of Redis: restart to rebuild from Redis");
        }
    }
}
