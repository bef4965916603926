using SpeedyZero.Cluster.Replay;
using SpeedyZero.Core.Replay;
using SpeedyZero.LocalServers;
using SpeedyZero.Testing;
using StackExchange.Redis;

namespace SpeedyZero.Cluster.Tests;

/// <summary>The replay's Redis journal against a real redis-server: exact rebuild, eviction in Redis, bytes as given, duplicates.</summary>
public sealed class ReplayStoreTests : IAsyncLifetime
{
    private static readonly ClusterNames Names = new("sztest");
    private static readonly PriorityOptions Options = new() { Capacity = 5000, Alpha = 0.6 };
    private RedisServer redis = null!;
    private ConnectionMultiplexer connection = null!;

    private IDatabase Db => connection.GetDatabase();

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        connection = await ConnectionMultiplexer.ConnectAsync($"{redis.Host}:{redis.Port}");
    }

    public async Task DisposeAsync()
    {
        await connection.DisposeAsync();
        await redis.DisposeAsync();
    }

    // Stand-in segment bytes: the store keeps whatever it is given.
    private static byte[] Bytes(long segmentId, int positions, Random random)
    {
        var bytes = new byte[16 + random.Next(0, 300)];
        random.NextBytes(bytes);
        BitConverter.TryWriteBytes(bytes, segmentId);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), positions);
        return bytes;
    }

    private sealed record Added(long Id, byte[] Bytes);

    // Adds 700 segments of 5-40 positions past the capacity, with priority updates (some for evicted ids) in between.
    private static async Task<List<Added>> FillAsync(RedisReplayStore store, Random random, long firstId = 1_000_000)
    {
        var added = new List<Added>();
        for (var n = 0; n < 700; n++)
        {
            var positions = random.Next(5, 40);
            var bytes = Bytes(firstId + n, positions, random);
            Assert.True(await store.AddAsync(firstId + n, positions, bytes, CancellationToken.None));
            added.Add(new Added(firstId + n, bytes));
            if (n % 3 == 0)
            {
                var status = store.Status;
                var ids = Enumerable.Range(0, 32).Select(_ => random.NextInt64(Math.Max(0, status.OldestId - 50), status.NextId)).ToArray();
                // A run of consecutive ids too, as a refresh sweep writes them.
                var run = Enumerable.Range(0, 40).Select(i => Math.Max(status.OldestId, status.NextId - 40) + i).Where(id => id < status.NextId);
                ids = [.. ids, .. run];
                await store.UpdatePrioritiesAsync(ids, ids.Select(_ => (float)(random.NextDouble() * 3 + 1e-3)).ToArray(), CancellationToken.None);
            }
        }

        return added;
    }

    private static void AssertSameState(ReplayStateDump expected, ReplayStateDump actual)
    {
        Assert.Equal(expected.Index.ToBytes(), actual.Index.ToBytes());
        Assert.Equal(expected.Order, actual.Order);
    }

    [Fact]
    public async Task A_restarted_replay_rebuilds_the_identical_index_from_redis()
    {
        var store = await RedisReplayStore.OpenAsync(Db, Names, Options, 1, CancellationToken.None);
        var random = new Random(7);
        var added = await FillAsync(store, random);
        Assert.True(store.Evictions > 0, "the test should pass the capacity");

        // What Redis holds is the live state, byte for byte.
        AssertSameState(store.Dump(), (await RedisReplayStore.LoadAsync(Db, Names, CancellationToken.None))!);

        // A restart rebuilds it exactly: same totals, same capacity order, same segments, same draws.
        var reopened = await RedisReplayStore.OpenAsync(Db, Names, Options, 1, CancellationToken.None);
        Assert.Equal(store.TotalMass, reopened.TotalMass);
        Assert.Equal(store.Status, reopened.Status);
        Assert.Equal(store.Evictions, reopened.Evictions);
        AssertSameState(store.Dump(), reopened.Dump());
        Assert.Equal(store.Sample(64, 0.4).Ids, reopened.Sample(64, 0.4).Ids);
        Assert.All(added, a => Assert.Equal(store.Holds(a.Id), reopened.Holds(a.Id)));

        // A redelivered segment is a duplicate after the restart too, and writes nothing.
        Assert.False(await reopened.AddAsync(added[^1].Id, 10, new byte[] { 1, 2, 3 }, CancellationToken.None));
        Assert.Equal(1, reopened.Duplicates);
        Assert.Equal(added[^1].Bytes, (byte[]?)await Db.StringGetAsync(Names.SegmentKey(added[^1].Id)));

        // The rebuilt store goes on as the live one would (a pure state from the same dump is the live one's twin),
        // and Redis follows it.
        var twin = ReplayState.Restore(Options, store.Dump(), 1);
        Assert.True(await reopened.AddAsync(5, 30, Bytes(5, 30, random), CancellationToken.None));
        Assert.NotNull(twin.Add(5, 30));
        var newest = reopened.Status.NextId;
        Assert.Equal(2, await reopened.UpdatePrioritiesAsync([newest - 1, newest - 2, 3], [9f, 8f, 7f], CancellationToken.None));
        Assert.Equal(2, twin.UpdatePriorities([newest - 1, newest - 2, 3], [9f, 8f, 7f]).Count);
        AssertSameState(twin.Dump(), reopened.Dump());
        AssertSameState(reopened.Dump(), (await RedisReplayStore.LoadAsync(Db, Names, CancellationToken.None))!);
    }

    [Fact]
    public async Task Eviction_deletes_evicted_segments_their_order_entries_and_dropped_chunks()
    {
        var store = await RedisReplayStore.OpenAsync(Db, Names, Options, 1, CancellationToken.None);
        var added = await FillAsync(store, new Random(3));

        var held = added.Where(a => store.Holds(a.Id)).ToList();
        var evicted = added.Where(a => !store.Holds(a.Id)).ToList();
        Assert.NotEmpty(evicted);
        Assert.Equal(store.Status.Segments, held.Count);
        Assert.Equal(0, await Db.KeyExistsAsync(evicted.Select(a => (RedisKey)Names.SegmentKey(a.Id)).ToArray()));
        Assert.Equal(held.Count, await Db.KeyExistsAsync(held.Select(a => (RedisKey)Names.SegmentKey(a.Id)).ToArray()));
        Assert.Equal(held.Select(a => a.Id), (await Db.ListRangeAsync(Names.ReplayOrder)).Select(e => long.Parse(e.ToString().Split(':')[0])));

        // Chunks below the oldest id are gone, the oldest id's chunk and those above it are there.
        var oldestChunk = store.Status.OldestId / RedisReplayStore.ChunkIds;
        var newestChunk = (store.Status.NextId - 1) / RedisReplayStore.ChunkIds;
        Assert.True(oldestChunk > 0);
        for (var chunk = 0L; chunk < oldestChunk; chunk++)
        {
            Assert.False(await Db.KeyExistsAsync(Names.PriorityChunk(chunk)));
            Assert.False(await Db.KeyExistsAsync(Names.KeyChunk(chunk)));
        }

        for (var chunk = oldestChunk; chunk <= newestChunk; chunk++)
        {
            Assert.True(await Db.KeyExistsAsync(Names.PriorityChunk(chunk)));
            Assert.True(await Db.KeyExistsAsync(Names.KeyChunk(chunk)));
        }
    }

    [Fact]
    public async Task Stored_bytes_are_the_bytes_given_and_are_read_back_in_one_request_with_nulls_for_evicted_ones()
    {
        var store = await RedisReplayStore.OpenAsync(Db, Names, Options, 1, CancellationToken.None);
        var added = await FillAsync(store, new Random(5));
        var evicted = added.First(a => !store.Holds(a.Id));
        var held = added.Where(a => store.Holds(a.Id)).Take(20).ToList();

        long[] ask = [held[3].Id, evicted.Id, held[0].Id, 424242, held[3].Id, .. held.Skip(5).Select(a => a.Id)];
        var read = await RedisReplayStore.ReadSegmentsAsync(Db, Names, ask);
        Assert.Equal(ask.Length, read.Length);
        Assert.Equal(held[3].Bytes, read[0]);
        Assert.Null(read[1]);
        Assert.Equal(held[0].Bytes, read[2]);
        Assert.Null(read[3]);
        Assert.Equal(held[3].Bytes, read[4]);
        for (var i = 5; i < ask.Length; i++)
        {
            Assert.Equal(held[i].Bytes, read[i]);
        }

        Assert.Empty(await RedisReplayStore.ReadSegmentsAsync(Db, Names, []));
    }

    [Fact]
    public async Task Reopening_with_a_smaller_capacity_evicts_the_oldest_in_memory_and_in_redis()
    {
        var store = await RedisReplayStore.OpenAsync(Db, Names, Options, 1, CancellationToken.None);
        var added = await FillAsync(store, new Random(9));
        var smaller = Options with { Capacity = 1000 };

        var reopened = await RedisReplayStore.OpenAsync(Db, Names, smaller, 1, CancellationToken.None);
        Assert.Equal(store.Status.NextId - 1000, reopened.Status.OldestId);
        Assert.True(reopened.Status.Segments < store.Status.Segments);
        AssertSameState(reopened.Dump(), (await RedisReplayStore.LoadAsync(Db, Names, CancellationToken.None))!);
        var gone = added.Where(a => store.Holds(a.Id) && !reopened.Holds(a.Id)).ToList();
        Assert.NotEmpty(gone);
        Assert.Equal(0, await Db.KeyExistsAsync(gone.Select(a => (RedisKey)Names.SegmentKey(a.Id)).ToArray()));
        Assert.False(await Db.KeyExistsAsync(Names.PriorityChunk(reopened.Status.OldestId / RedisReplayStore.ChunkIds - 1)));

        var again = await RedisReplayStore.OpenAsync(Db, Names, smaller, 1, CancellationToken.None);
        AssertSameState(reopened.Dump(), again.Dump());
    }

    [Fact]
    public async Task A_failed_write_throws_and_the_store_refuses_later_writes()
    {
        var store = await RedisReplayStore.OpenAsync(Db, Names, Options, 1, CancellationToken.None);
        Assert.True(await store.AddAsync(1, 10, new byte[] { 1 }, CancellationToken.None));

        // The meta key of the wrong type makes the HSET inside the transaction fail.
        await Db.KeyDeleteAsync(Names.ReplayMeta);
        await Db.StringSetAsync(Names.ReplayMeta, "not a hash");
        await Assert.ThrowsAnyAsync<RedisException>(() => store.AddAsync(2, 10, new byte[] { 2 }, CancellationToken.None));
        await Assert.ThrowsAnyAsync<RedisException>(() => store.UpdatePrioritiesAsync([0], [2f], CancellationToken.None));
        await Assert.ThrowsAnyAsync<RedisException>(() => store.AddAsync(3, 10, new byte[] { 3 }, CancellationToken.None));
    }

    [Fact]
    public async Task Redis_without_a_replay_opens_empty_and_the_first_segment_is_journalled()
    {
        Assert.Null(await RedisReplayStore.LoadAsync(Db, Names, CancellationToken.None));
        var store = await RedisReplayStore.OpenAsync(Db, Names, Options, 1, CancellationToken.None);
        Assert.Equal(new ReplayStatus(0, 0, 0), store.Status);
        Assert.Equal(5000, store.Capacity);
        Assert.True(await store.AddAsync(77, 3, new byte[] { 7, 7 }, CancellationToken.None));
        var loaded = (await RedisReplayStore.LoadAsync(Db, Names, CancellationToken.None))!;
        Assert.Equal([new ReplayOrderEntry(77, 2)], loaded.Order);
        Assert.Equal([TransitionKey.Of(77, 0), TransitionKey.Of(77, 1), TransitionKey.Of(77, 2)], loaded.Index.Keys);
        Assert.Equal([1f, 1f, 1f], loaded.Index.Priorities);
    }
}
