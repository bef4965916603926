using SpeedyZero.Cluster.Replay;
using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Segments;
using SpeedyZero.Metrics;
using SpeedyZero.Testing;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Config;
using Microsoft.Extensions.Logging.Abstractions;

namespace SpeedyZero.Cluster.Tests;

/// <summary>The replay's Redis mirror against a real redis-server: exact rebuild, eviction in Redis, duplicates.</summary>
public class ReplayStoreTests
{
    private static Segment MakeSegment(long id, int transitions, Random random)
    {
        const int observationSize = 4, actions = 2;
        var bytesPer = ObservationCodec.EncodedSize(ObservationEncoding.Float32, observationSize);
        var steps = transitions + 1;
        var observations = new byte[steps * bytesPer];
        var raw = new float[observationSize];
        for (var s = 0; s < steps; s++)
        {
            for (var i = 0; i < observationSize; i++) raw[i] = (float)random.NextDouble();
            ObservationCodec.Encode(ObservationEncoding.Float32, raw, observations.AsSpan(s * bytesPer, bytesPer));
        }

        return new Segment(id, ObservationEncoding.Float32, observationSize, actions, 0, transitions, EpisodeEnd.Terminal, observations,
            Enumerable.Range(0, transitions).Select(_ => random.Next(actions)).ToArray(),
            Enumerable.Range(0, transitions).Select(_ => 1f).ToArray(),
            Enumerable.Range(0, transitions).Select(_ => (float)random.NextDouble()).ToArray(),
            Enumerable.Range(0, transitions * actions).Select(_ => 0.5f).ToArray());
    }

    [Fact]
    public async Task A_restarted_replay_rebuilds_the_same_index_from_redis_and_eviction_deletes_redis_data()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        var config = new TrainingConfig { Nats = new NatsSection { Url = nats.Url }, Redis = new RedisSection { Endpoint = $"127.0.0.1:{redis.Port}" } };
        await using var context = await ClusterContext.ConnectAsync(config, "test", new MetricsRegistry(), NullLogger.Instance, CancellationToken.None);
        var options = new PriorityOptions { Capacity = 5000, Alpha = 0.6 };
        var store = await RedisReplayStore.OpenAsync(context, options, 1, CancellationToken.None);
        var random = new Random(7);
        var ids = new SegmentIds(12345);
        var added = new List<Segment>();
        for (var n = 0; n < 700; n++)
        {
            var segment = MakeSegment(ids.Next(), random.Next(5, 40), random);
            Assert.True(await store.AddAsync(segment, CancellationToken.None));
            added.Add(segment);
            if (n % 3 == 0)
            {
                var status = store.Status;
                var updateIds = Enumerable.Range(0, 32).Select(_ => random.NextInt64(Math.Max(0, status.OldestId - 50), status.NextId)).ToArray();
                await store.UpdatePrioritiesAsync(updateIds, updateIds.Select(_ => (float)(random.NextDouble() * 3 + 1e-3)).ToArray(), CancellationToken.None);
            }
        }

        Assert.False(await store.AddAsync(added[^1], CancellationToken.None));
        Assert.True(store.Evictions > 0, "the test should pass the capacity");

        // The state in Redis is byte for byte the live index.
        var inRedis = await RedisReplayStore.LoadStateAsync(context, CancellationToken.None);
        Assert.Equal(store.Dump().ToBytes(), inRedis!.ToBytes());

        // A restart rebuilds it exactly: same totals, same capacity order, same segments, same draws.
        var reopened = await RedisReplayStore.OpenAsync(context, options, 1, CancellationToken.None);
        Assert.Equal(store.TotalMass, reopened.TotalMass);
        Assert.Equal(store.Status, reopened.Status);
        Assert.Equal(store.Dump().ToBytes(), reopened.Dump().ToBytes());
        Assert.Equal(store.Sample(64, 0.4).Keys, reopened.Sample(64, 0.4).Keys);
        Assert.False(await reopened.AddAsync(added[^1], CancellationToken.None));

        // Evicted segments are gone from Redis, held ones are there, chunks below the oldest id deleted.
        var held = added.Where(s => reopened.Holds(s.Id)).ToList();
        var evicted = added.Where(s => !reopened.Holds(s.Id)).ToList();
        Assert.NotEmpty(evicted);
        Assert.Equal(reopened.Status.Segments, held.Count);
        Assert.Equal(0, await context.Redis.ExistsAsync(evicted.Select(s => context.Names.SegmentKey(s.Id)).ToArray()));
        Assert.Equal(held.Count, await context.Redis.ExistsAsync(held.Select(s => context.Names.SegmentKey(s.Id)).ToArray()));
        Assert.Equal(held.Count, await context.Redis.LLenAsync(context.Names.ReplayOrder));
        var oldestChunk = reopened.Status.OldestId / RedisReplayStore.ChunkIds;
        Assert.True(oldestChunk > 0);
        Assert.Equal(0, await context.Redis.ExistsAsync([context.Names.PriorityChunk(oldestChunk - 1), context.Names.KeyChunk(oldestChunk - 1)]));

        // It continues: a new segment after the restart is stored and mirrored.
        Assert.True(await reopened.AddAsync(MakeSegment(ids.Next(), 10, random), CancellationToken.None));
        Assert.Equal(reopened.Dump().ToBytes(), (await RedisReplayStore.LoadStateAsync(context, CancellationToken.None))!.ToBytes());
    }
}
