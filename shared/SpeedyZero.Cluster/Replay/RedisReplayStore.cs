using System.Buffers.Binary;
using System.Globalization;
using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Segments;
using SpeedyZero.Storage.Redis;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Replay;

/// <summary>
/// The replay's state, held in memory (priority index, segment ids in arrival order) and mirrored
/// in Redis after every change, each change one MULTI/EXEC transaction sent as one pipeline:
/// <list type="bullet">
/// <item><c>{p}:replay:seg:{id}</c>: the segment's <see cref="SegmentCodec"/> bytes;</item>
/// <item><c>{p}:replay:order</c>: list of "segmentId:lastTransitionId", oldest first (eviction order);</item>
/// <item><c>{p}:replay:prio:{c}</c>, <c>{p}:replay:keys:{c}</c>: priorities (float32) and keys (int64),
/// little-endian, of transition ids [c·4096, (c+1)·4096), written in place with SETRANGE;</item>
/// <item><c>{p}:replay:meta</c>: hash of oldest_id, next_id, max_priority (float bits), stale_updates, evictions.</item>
/// </list>
/// Together they are exactly a <see cref="PriorityIndexState"/>, so a restarted replay rebuilds the
/// same index (totals and capacity order). Eviction deletes the evicted segments and whole chunks
/// below the oldest id in the same transaction. A failed Redis write leaves memory ahead of Redis:
/// callers treat it as fatal and restart, rebuilding from Redis.
/// </summary>
public sealed class RedisReplayStore
{
    public const int ChunkIds = 4096;
    private readonly Lock gate = new();
    // Changes reach Redis in the order they were made in memory: one writer at a time.
    private readonly SemaphoreSlim writer = new(1, 1);
    private readonly ClusterContext context;
    private readonly PriorityIndex index;
    private readonly HashSet<long> segments = [];
    private readonly Queue<(long SegmentId, long LastId)> order = new();
    private readonly Random random;
    private long duplicates;

    private RedisReplayStore(ClusterContext context, PriorityIndex index, int seed)
    {
        this.context = context;
        this.index = index;
        random = new Random(seed);
    }

    public long Duplicates => Interlocked.Read(ref duplicates);

    public long Evictions
    {
        get { lock (gate) return index.Evictions; }
    }

    public double TotalMass
    {
        get { lock (gate) return index.TotalMass; }
    }

    public int Capacity => index.Capacity;

    /// <summary>The index as it is now (for tests and checks).</summary>
    public PriorityIndexState Dump()
    {
        lock (gate) return index.Dump();
    }

    /// <summary>Rebuilds from Redis (empty when Redis holds no replay).</summary>
    public static async Task<RedisReplayStore> OpenAsync(ClusterContext context, PriorityOptions options, int seed, CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync(context, cancellationToken);
        var index = state is null ? new PriorityIndex(options) : PriorityIndex.Restore(options, state);
        var store = new RedisReplayStore(context, index, seed);
        if (state is not null)
        {
            var entries = await context.RedisAsync(r => r.LRangeAsync(context.Names.ReplayOrder, 0, -1, cancellationToken));
            foreach (var entry in entries)
            {
                var text = System.Text.Encoding.ASCII.GetString(entry.Span);
                var colon = text.IndexOf(':');
                var segmentId = long.Parse(text.AsSpan(0, colon), CultureInfo.InvariantCulture);
                var lastId = long.Parse(text.AsSpan(colon + 1), CultureInfo.InvariantCulture);
                if (lastId >= index.OldestId)
                {
                    store.segments.Add(segmentId);
                    store.order.Enqueue((segmentId, lastId));
                }
            }
        }

        return store;
    }

    /// <summary>Reads the index state Redis holds, or null when there is none.</summary>
    public static async Task<PriorityIndexState?> LoadStateAsync(ClusterContext context, CancellationToken cancellationToken)
    {
        var names = context.Names;
        var meta = await context.RedisAsync(r => r.HGetAllAsync(names.ReplayMeta, cancellationToken));
        if (meta.Count == 0) return null;
        long Field(string name) => long.Parse(System.Text.Encoding.ASCII.GetString(meta[name].Span), CultureInfo.InvariantCulture);
        var oldest = Field("oldest_id");
        var next = Field("next_id");
        var maxPriority = BitConverter.Int32BitsToSingle((int)Field("max_priority_bits"));
        var count = checked((int)(next - oldest));
        var priorities = new float[count];
        var keys = new long[count];
        for (var chunk = oldest / ChunkIds; chunk * ChunkIds < next; chunk++)
        {
            var c = chunk;
            var prio = await context.RedisAsync(r => r.GetAsync(names.PriorityChunk(c), cancellationToken)) ?? ReadOnlyMemory<byte>.Empty;
            var keyBytes = await context.RedisAsync(r => r.GetAsync(names.KeyChunk(c), cancellationToken)) ?? ReadOnlyMemory<byte>.Empty;
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

        return new PriorityIndexState(oldest, maxPriority, Field("stale_updates"), Field("evictions"), priorities, keys);
    }

    /// <summary>Stores a segment and its positions at the maximum priority; false for a segment held already.</summary>
    public async Task<bool> AddAsync(Segment segment, CancellationToken cancellationToken)
    {
        if (segment.Positions > TransitionKey.MaxPositions)
        {
            throw new ArgumentException($"segment {segment.Id} has {segment.Positions} positions; at most {TransitionKey.MaxPositions}", nameof(segment));
        }

        await writer.WaitAsync(cancellationToken);
        try
        {
            var batch = PrepareAdd(segment);
            if (batch is null)
            {
                Interlocked.Increment(ref duplicates);
                return false;
            }

            await CommitAsync(batch, cancellationToken);
            return true;
        }
        finally
        {
            writer.Release();
        }
    }

    /// <returns>How many ids were still held and updated.</returns>
    public async Task<int> UpdatePrioritiesAsync(long[] ids, float[] priorities, CancellationToken cancellationToken)
    {
        await writer.WaitAsync(cancellationToken);
        try
        {
            var (batch, updated) = PrepareUpdate(ids, priorities);
            await CommitAsync(batch, cancellationToken);
            return updated;
        }
        finally
        {
            writer.Release();
        }
    }

    // Applies the segment in memory and returns its Redis transaction (null: held already).
    private RedisBatch? PrepareAdd(Segment segment)
    {
        var names = context.Names;
        var batch = new RedisBatch();
        lock (gate)
        {
            if (segments.Contains(segment.Id)) return null;
            var keys = new long[segment.Positions];
            for (var p = 0; p < keys.Length; p++) keys[p] = TransitionKey.Of(segment.Id, p);
            var oldestBefore = index.OldestId;
            var first = index.AddRange(keys);
            var last = first + keys.Length - 1;
            segments.Add(segment.Id);
            order.Enqueue((segment.Id, last));

            batch.Add("MULTI");
            batch.Set(names.SegmentKey(segment.Id), SegmentCodec.Encode(segment));
            batch.Add("RPUSH", names.ReplayOrder, $"{segment.Id}:{last}");
            WriteRange(batch, first, last + 1);
            while (order.Count > 0 && order.Peek().LastId < index.OldestId)
            {
                var evicted = order.Dequeue().SegmentId;
                segments.Remove(evicted);
                batch.Del(names.SegmentKey(evicted));
                batch.Add("LPOP", names.ReplayOrder);
            }

            for (var chunk = oldestBefore / ChunkIds; chunk < index.OldestId / ChunkIds; chunk++)
            {
                batch.Del(names.PriorityChunk(chunk));
                batch.Del(names.KeyChunk(chunk));
            }

            WriteMeta(batch);
            batch.Add("EXEC");
            return batch;
        }
    }

    // Applies the update in memory and returns its Redis transaction with the count updated.
    private (RedisBatch Batch, int Updated) PrepareUpdate(long[] ids, float[] priorities)
    {
        var batch = new RedisBatch();
        lock (gate)
        {
            var updated = index.Update(ids, priorities);
            batch.Add("MULTI");
            foreach (var id in ids)
            {
                if (index.TryGet(id, out _, out var priority))
                {
                    var bytes = new byte[4];
                    BinaryPrimitives.WriteSingleLittleEndian(bytes, priority);
                    batch.Add("SETRANGE", context.Names.PriorityChunk(id / ChunkIds), (id % ChunkIds) * 4, bytes);
                }
            }

            WriteMeta(batch);
            batch.Add("EXEC");
            return (batch, updated);
        }
    }

    public ReplaySample Sample(int count, double beta)
    {
        lock (gate)
        {
            if (index.Count < count) throw new InvalidOperationException($"replay holds {index.Count} transitions; cannot draw {count} distinct ones");
            var sample = new ReplaySample(new long[count], new long[count], new float[count], index.NextId);
            index.Sample(beta, random, sample.Ids, sample.Keys, sample.Weights);
            return sample;
        }
    }

    public ReplayStatus Status
    {
        get
        {
            lock (gate) return new ReplayStatus(index.OldestId, index.NextId, segments.Count);
        }
    }

    public ReplaySweep Sweep(long fromId, int count)
    {
        lock (gate)
        {
            var ids = new long[count];
            var keys = new long[count];
            var n = index.Sweep(fromId, ids, keys);
            return new ReplaySweep(ids[..n], keys[..n], index.NextId);
        }
    }

    public bool Holds(long segmentId)
    {
        lock (gate) return segments.Contains(segmentId);
    }

    // Priorities and keys of ids [from, to) into their chunks, one SETRANGE per chunk and array.
    private void WriteRange(RedisBatch batch, long from, long to)
    {
        for (var start = from; start < to;)
        {
            var chunk = start / ChunkIds;
            var end = Math.Min(to, (chunk + 1) * ChunkIds);
            var n = (int)(end - start);
            var prio = new byte[n * 4];
            var keyBytes = new byte[n * 8];
            for (var i = 0; i < n; i++)
            {
                index.TryGet(start + i, out var key, out var priority);
                BinaryPrimitives.WriteSingleLittleEndian(prio.AsSpan(i * 4), priority);
                BinaryPrimitives.WriteInt64LittleEndian(keyBytes.AsSpan(i * 8), key);
            }

            var offset = start - chunk * ChunkIds;
            batch.Add("SETRANGE", context.Names.PriorityChunk(chunk), offset * 4, prio);
            batch.Add("SETRANGE", context.Names.KeyChunk(chunk), offset * 8, keyBytes);
            start = end;
        }
    }

    private void WriteMeta(RedisBatch batch)
    {
        batch.Add("HSET", context.Names.ReplayMeta,
            "oldest_id", index.OldestId,
            "next_id", index.NextId,
            "max_priority_bits", (long)BitConverter.SingleToInt32Bits(index.MaxPriority),
            "stale_updates", index.StaleUpdates,
            "evictions", index.Evictions);
    }

    private async Task CommitAsync(RedisBatch batch, CancellationToken cancellationToken)
    {
        var replies = await context.RedisAsync(r => r.ExecuteAsync(batch, cancellationToken));
        foreach (var reply in replies)
        {
            if (reply.IsError)
            {
                context.RedisErrors.Inc();
                throw new RedisException($"replay transaction failed: {reply.ErrorMessage}");
            }
        }

        var exec = replies[^1];
        if (exec.IsNull)
        {
            throw new RedisException("replay transaction was aborted");
        }

        foreach (var result in exec.AsArray())
        {
            if (result.IsError)
            {
                context.RedisErrors.Inc();
                throw new RedisException($"replay transaction command failed: {result.ErrorMessage}");
            }
        }
    }
}
