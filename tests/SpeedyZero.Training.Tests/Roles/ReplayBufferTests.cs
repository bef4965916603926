using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Segments;
using SpeedyZero.Testing;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.InMemory;
using SpeedyZero.Training.Roles.Replay;
using SpeedyZero.Core.Environments;

namespace SpeedyZero.Training.Tests.Roles;

/// <summary>The embedded replay: the shared state plus segments in memory, its snapshot (the checkpoint's replay) and restore.</summary>
public sealed class ReplayBufferTests
{
    private static readonly PriorityOptions Options = new() { Capacity = 400, Alpha = 0.6 };

    private static (ReplayBuffer Buffer, List<Segment> Added) Filled(int seed)
    {
        var random = new Random(seed);
        var buffer = new ReplayBuffer(Options, 3);
        var added = new List<Segment>();
        for (var n = 0; n < 60; n++)
        {
            var segment = TestSegments.Make(500 + n, random.Next(3, 20), random);
            Assert.True(buffer.Add(segment));
            added.Add(segment);
            var status = buffer.Status;
            var ids = Enumerable.Range(0, 6).Select(_ => random.NextInt64(Math.Max(0, status.OldestId - 5), status.NextId)).ToArray();
            buffer.UpdatePriorities(ids, ids.Select(_ => (float)(random.NextDouble() * 2 + 1e-3)).ToArray());
        }

        return (buffer, added);
    }

    [Fact]
    public void Segments_are_held_until_evicted_and_duplicates_are_ignored()
    {
        var (buffer, added) = Filled(1);
        Assert.True(buffer.Evictions > 0, "the test should pass the capacity");
        Assert.False(buffer.Add(added[^1]));
        Assert.Equal(1, buffer.Duplicates);

        var found = buffer.GetSegments([.. added.Select(s => s.Id), 99]);
        var held = found.Count(s => s is not null);
        Assert.Equal(buffer.Status.Segments, held);
        Assert.Null(found[^1]);
        Assert.Null(found[0]);
        for (var i = 0; i < added.Count; i++)
        {
            Assert.True(found[i] is null || ReferenceEquals(found[i], added[i]));
        }

        // Every held transition's segment is there: the oldest held ones included.
        var sweep = buffer.Sweep(0, 1000);
        Assert.Equal(buffer.Status.Transitions, sweep.Ids.Length);
        Assert.All(buffer.GetSegments(sweep.Keys.Select(TransitionKey.SegmentOf).Distinct().ToArray()), Assert.NotNull);
    }

    [Fact]
    public void A_snapshot_restores_the_identical_state_after_a_checkpoint_round_trip()
    {
        var (buffer, _) = Filled(2);
        var snapshot = buffer.Snapshot();
        Assert.Equal(buffer.Status.Segments, snapshot.Segments.Count);

        // As the checkpoint stores it: index bytes and encoded segments.
        var reloaded = new ReplaySnapshot(PriorityIndexState.FromBytes(snapshot.Index.ToBytes()),
            snapshot.Segments.Select(s => SegmentCodec.Decode(SegmentCodec.Encode(s))).ToList());
        var restored = ReplayBuffer.Restore(Options, reloaded, 3);

        Assert.Equal(buffer.Status, restored.Status);
        Assert.Equal(buffer.Evictions, restored.Evictions);
        Assert.Equal(snapshot.Index.ToBytes(), restored.Snapshot().Index.ToBytes());
        Assert.Equal(snapshot.Segments.Select(s => s.Id), restored.Snapshot().Segments.Select(s => s.Id));
        Assert.Equal(buffer.Sample(32, 0.4).Ids, restored.Sample(32, 0.4).Ids);

        // Both evict the same segments next.
        var random = new Random(5);
        var next = TestSegments.Make(9000, 19, random);
        buffer.Add(next);
        restored.Add(next);
        Assert.Equal(buffer.Snapshot().Segments.Select(s => s.Id), restored.Snapshot().Segments.Select(s => s.Id));
        Assert.Equal(buffer.Snapshot().Index.ToBytes(), restored.Snapshot().Index.ToBytes());
    }

    [Fact]
    public void A_snapshot_whose_segments_do_not_match_the_index_is_refused()
    {
        var (buffer, _) = Filled(4);
        var snapshot = buffer.Snapshot();
        var wrong = snapshot with { Segments = snapshot.Segments.Skip(1).ToList() };
        Assert.Throws<InvalidDataException>(() => ReplayBuffer.Restore(Options, wrong, 3));
    }

    [Fact]
    public async Task A_batch_gets_its_segments_by_key_in_one_request()
    {
        var (buffer, added) = Filled(6);
        var client = new CountingClient(new InMemoryReplayClient(buffer));
        var sample = await client.SampleAsync(48, 0.4, CancellationToken.None);
        var evictedKey = TransitionKey.Of(added[0].Id, 0);
        long[] keys = [.. sample.Keys, evictedKey];

        var segments = await client.GetSegmentsOfKeysAsync(keys, CancellationToken.None);

        Assert.Equal(1, client.SegmentRequests);
        Assert.Equal(sample.Keys.Select(TransitionKey.SegmentOf).Distinct().Count() + 1, client.SegmentsAsked);
        Assert.Equal(keys.Length, segments.Length);
        for (var i = 0; i < sample.Keys.Length; i++)
        {
            Assert.Equal(TransitionKey.SegmentOf(sample.Keys[i]), segments[i]!.Id);
        }

        Assert.Null(segments[^1]);
    }

    private sealed class CountingClient(IReplayClient inner) : IReplayClient
    {
        public int SegmentRequests { get; private set; }

        public int SegmentsAsked { get; private set; }

        public ValueTask<ReplaySample> SampleAsync(int count, double beta, CancellationToken cancellationToken) => inner.SampleAsync(count, beta, cancellationToken);

        public ValueTask<Segment?[]> GetSegmentsAsync(IReadOnlyList<long> segmentIds, CancellationToken cancellationToken)
        {
            SegmentRequests++;
            SegmentsAsked += segmentIds.Count;
            return inner.GetSegmentsAsync(segmentIds, cancellationToken);
        }

        public ValueTask UpdatePrioritiesAsync(long[] ids, float[] priorities, CancellationToken cancellationToken) =>
            inner.UpdatePrioritiesAsync(ids, priorities, cancellationToken);

        public ValueTask<ReplayStatus> GetStatusAsync(CancellationToken cancellationToken) => inner.GetStatusAsync(cancellationToken);

        public ValueTask<ReplaySweep> SweepAsync(long fromId, int count, CancellationToken cancellationToken) => inner.SweepAsync(fromId, count, cancellationToken);
    }
}
