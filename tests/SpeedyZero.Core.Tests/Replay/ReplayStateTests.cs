using SpeedyZero.Core.Replay;

namespace SpeedyZero.Core.Tests.Replay;

public class ReplayStateTests
{
    private static ReplayState State(int capacity, int seed = 1) => new(new PriorityOptions { Capacity = capacity, Alpha = 0.6 }, seed);

    [Fact]
    public void Adding_gives_consecutive_ids_and_keys_at_the_maximum_priority()
    {
        var state = State(100);
        var first = state.Add(7, 3)!;
        Assert.Equal((7L, 0L, 2L, 3, 1f), (first.SegmentId, first.FirstId, first.LastId, first.Positions, first.Priority));
        Assert.Empty(first.EvictedSegments);
        Assert.Equal(new ReplayCounters(0, 3, 1f, 0, 0), first.Counters);

        Assert.Equal(1, state.UpdatePriorities([1], [5f]).Count);
        var second = state.Add(9, 2)!;
        Assert.Equal((3L, 4L, 5f), (second.FirstId, second.LastId, second.Priority));
        Assert.Equal(new ReplayStatus(0, 5, 2), state.Status);
        Assert.True(state.Holds(7) && state.Holds(9) && !state.Holds(8));

        var sweep = state.Sweep(0, 10);
        Assert.Equal([0L, 1, 2, 3, 4], sweep.Ids);
        Assert.Equal(new[] { TransitionKey.Of(7, 0), TransitionKey.Of(7, 1), TransitionKey.Of(7, 2), TransitionKey.Of(9, 0), TransitionKey.Of(9, 1) }, sweep.Keys);
        Assert.Equal(5, sweep.NextId);
        Assert.Equal([3L, 4], state.Sweep(3, 10).Ids);
        Assert.Equal([1L, 2], state.Sweep(1, 2).Ids);
    }

    [Fact]
    public void A_segment_held_already_is_a_counted_duplicate_and_changes_nothing()
    {
        var state = State(100);
        Assert.NotNull(state.Add(7, 3));
        var before = state.Dump();
        Assert.Null(state.Add(7, 3));
        Assert.Null(state.Add(7, 5));
        Assert.Equal(2, state.Duplicates);
        Assert.Equal(before.Index.ToBytes(), state.Dump().Index.ToBytes());
        Assert.Equal(before.Order, state.Dump().Order);
    }

    [Fact]
    public void At_capacity_the_oldest_transitions_go_and_a_segment_goes_with_its_last_one()
    {
        var state = State(10);
        state.Add(1, 4); // ids 0-3
        state.Add(2, 4); // ids 4-7
        var third = state.Add(3, 3)!; // ids 8-10: evicts id 0, segment 1 keeps 1-3
        Assert.Empty(third.EvictedSegments);
        Assert.Equal((0L, 1L), (third.OldestIdBefore, third.Counters.OldestId));
        Assert.True(state.Holds(1));

        var fourth = state.Add(4, 3)!; // ids 11-13: evicts 1-3, the rest of segment 1
        Assert.Equal([1L], fourth.EvictedSegments);
        Assert.Equal((1L, 4L, 4L), (fourth.OldestIdBefore, fourth.Counters.OldestId, fourth.Counters.Evictions));
        Assert.False(state.Holds(1));
        Assert.Equal(new ReplayStatus(4, 14, 3), state.Status);
        Assert.Equal(4, state.Evictions);

        var fifth = state.Add(5, 9)!; // ids 14-22: evicts 4-12, segments 2 and 3 whole, 4 partly
        Assert.Equal([2L, 3], fifth.EvictedSegments);
        Assert.Equal(new ReplayStatus(13, 23, 2), state.Status);
        Assert.Equal([new ReplayOrderEntry(4, 13), new ReplayOrderEntry(5, 22)], state.Dump().Order);
        Assert.All(state.Sweep(0, 100).Keys, k => Assert.Contains(TransitionKey.SegmentOf(k), new long[] { 4, 5 }));
    }

    [Fact]
    public void Dropped_chunks_are_the_whole_chunks_below_the_new_oldest_id()
    {
        var state = State(10);
        state.Add(1, 10); // 0-9
        var addition = state.Add(2, 7)!; // 10-16: oldest 0 -> 7
        Assert.Equal((0L, 1L), addition.DroppedChunks(4)); // chunk 0 = ids 0-3 is gone, chunk 1 (4-7) still holds 7
        Assert.Equal((0L, 0L), addition.DroppedChunks(8));
        Assert.Equal((0L, 7L), addition.DroppedChunks(1));
        var none = State(10).Add(3, 5)!;
        Assert.Equal((0L, 0L), none.DroppedChunks(4));
    }

    [Fact]
    public void A_segment_larger_than_the_capacity_keeps_its_newest_positions()
    {
        var state = State(4);
        state.Add(1, 2);
        var big = state.Add(2, 6)!;
        Assert.Equal([1L], big.EvictedSegments);
        Assert.Equal(new ReplayStatus(4, 8, 1), state.Status);
        Assert.Equal(Enumerable.Range(2, 4).Select(p => TransitionKey.Of(2, p)), state.Sweep(0, 10).Keys);
    }

    [Fact]
    public void Updates_of_evicted_ids_are_ignored_and_counted_and_the_rest_reported_in_order()
    {
        var state = State(4);
        state.Add(1, 4); // 0-3
        state.Add(2, 2); // 4-5, evicts 0-1
        var update = state.UpdatePriorities([0, 3, 9, 4, 3], [2f, 3f, 4f, 5f, 6f]);
        Assert.Equal([3L, 4, 3], update.Ids);
        Assert.Equal([3f, 5f, 6f], update.Priorities);
        Assert.Equal(3, update.Count);
        Assert.Equal(new ReplayCounters(2, 6, 6f, 2, 2), update.Counters);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.UpdatePriorities([3], [0f]));
        Assert.Equal(6f, state.Dump().Index.Priorities[1]);
    }

    [Fact]
    public void Samples_are_distinct_held_transitions_with_weights_normalised_to_the_batch_maximum()
    {
        var state = State(1000, seed: 3);
        for (var s = 0; s < 50; s++) state.Add(100 + s, 10);
        state.UpdatePriorities(Enumerable.Range(0, 500).Select(i => (long)i).ToArray(), Enumerable.Range(0, 500).Select(i => 0.1f + i % 13).ToArray());
        for (var draw = 0; draw < 50; draw++)
        {
            var sample = state.Sample(64, 0.4);
            Assert.Equal(64, sample.Ids.Distinct().Count());
            Assert.Equal(500, sample.NextId);
            for (var i = 0; i < 64; i++)
            {
                Assert.InRange(sample.Ids[i], 0, 499);
                Assert.Equal(TransitionKey.Of(100 + sample.Ids[i] / 10, (int)(sample.Ids[i] % 10)), sample.Keys[i]);
            }

            Assert.Equal(1f, sample.Weights.Max(), 6);
            // w_i / w_j = (p_i / p_j)^(-alpha beta): the lowest priority has the largest weight.
            var lowest = Array.IndexOf(sample.Ids, sample.Ids.MinBy(id => 0.1f + id % 13));
            Assert.Equal(1f, sample.Weights[lowest], 6);
        }

        Assert.Equal(500, state.Sample(500, 1.0).Ids.Distinct().Count());
        Assert.Throws<InvalidOperationException>(() => state.Sample(501, 0.4));
    }

    [Fact]
    public void The_same_seed_draws_the_same_samples()
    {
        var a = State(200, seed: 5);
        var b = State(200, seed: 5);
        foreach (var state in new[] { a, b })
        {
            for (var s = 0; s < 30; s++) state.Add(s, 9);
        }

        Assert.Equal(a.Sample(32, 0.5).Ids, b.Sample(32, 0.5).Ids);
    }

    [Fact]
    public void Dump_and_restore_give_the_identical_state()
    {
        var random = new Random(11);
        var state = State(300, seed: 2);
        for (var s = 0; s < 80; s++)
        {
            state.Add(1000 + s, random.Next(1, 20));
            var status = state.Status;
            var ids = Enumerable.Range(0, 8).Select(_ => random.NextInt64(Math.Max(0, status.OldestId - 10), status.NextId)).ToArray();
            state.UpdatePriorities(ids, ids.Select(_ => (float)(random.NextDouble() * 4 + 1e-3)).ToArray());
        }

        var dump = state.Dump();
        var restored = ReplayState.Restore(state.Options, dump, seed: 2);
        Assert.Equal(dump.Index.ToBytes(), restored.Dump().Index.ToBytes());
        Assert.Equal(dump.Order, restored.Dump().Order);
        Assert.Equal(state.Status, restored.Status);
        Assert.Equal(state.TotalMass, restored.TotalMass);
        Assert.Equal(state.Evictions, restored.Evictions);
        // Same seed, same tree (slot order included): the same draws.
        Assert.Equal(state.Sample(40, 0.4).Ids, restored.Sample(40, 0.4).Ids);

        // Both go on the same way.
        var next = state.Add(5000, 15)!;
        var nextRestored = restored.Add(5000, 15)!;
        Assert.Equal((next.FirstId, next.LastId, next.Priority, next.OldestIdBefore, next.Counters),
            (nextRestored.FirstId, nextRestored.LastId, nextRestored.Priority, nextRestored.OldestIdBefore, nextRestored.Counters));
        Assert.Equal(next.EvictedSegments, nextRestored.EvictedSegments);
        Assert.NotEmpty(next.EvictedSegments);
        Assert.Equal(state.Dump().Index.ToBytes(), restored.Dump().Index.ToBytes());
    }

    [Fact]
    public void Restore_with_a_smaller_capacity_evicts_the_oldest_and_their_segments()
    {
        var state = State(100);
        for (var s = 0; s < 10; s++) state.Add(s, 10);
        var restored = ReplayState.Restore(new PriorityOptions { Capacity = 35, Alpha = 0.6 }, state.Dump(), 1);
        Assert.Equal(new ReplayStatus(65, 100, 4), restored.Status);
        Assert.False(restored.Holds(5));
        Assert.True(restored.Holds(6));
        Assert.Equal(65, restored.Evictions);
    }

    [Fact]
    public void Restore_refuses_an_order_that_does_not_match_the_index()
    {
        var state = State(100);
        state.Add(1, 5);
        state.Add(2, 5);
        var dump = state.Dump();
        var options = state.Options;
        Assert.Throws<InvalidDataException>(() => ReplayState.Restore(options, dump with { Order = [new(1, 4), new(3, 9)] }, 1));
        Assert.Throws<InvalidDataException>(() => ReplayState.Restore(options, dump with { Order = [new(1, 5), new(2, 9)] }, 1));
        Assert.Throws<InvalidDataException>(() => ReplayState.Restore(options, dump with { Order = [new(1, 4)] }, 1));
        Assert.Throws<InvalidDataException>(() => ReplayState.Restore(options, dump with { Order = [new(2, 9), new(1, 4)] }, 1));
        Assert.Throws<InvalidDataException>(() => ReplayState.Restore(options, dump with { Order = [] }, 1));
        Assert.Throws<InvalidDataException>(() => ReplayState.Restore(options, dump with { Order = [new(2, 9)] }, 1));
        Assert.Throws<InvalidDataException>(() => ReplayState.Restore(options, dump with { Order = [new(7, 2), new(1, 4), new(2, 9)] }, 1));
        Assert.Equal(new ReplayStatus(0, 10, 2), ReplayState.Restore(options, dump, 1).Status);
    }

    [Fact]
    public async Task Concurrent_adds_updates_and_samples_keep_the_state_consistent()
    {
        var state = State(2000, seed: 4);
        for (var s = 0; s < 20; s++) state.Add(s, 10);
        var adder = Task.Run(() =>
        {
            for (var s = 20; s < 2000; s++) state.Add(s, 7);
        });
        var others = Enumerable.Range(0, 3).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            while (!adder.IsCompleted)
            {
                var sample = state.Sample(32, 0.4);
                state.UpdatePriorities(sample.Ids, sample.Ids.Select(_ => (float)(random.NextDouble() + 0.01)).ToArray());
                state.Sweep(sample.Ids.Min(), 16);
            }
        })).ToArray();
        await Task.WhenAll([adder, .. others]);

        var dump = state.Dump();
        var restored = ReplayState.Restore(state.Options, dump, 1);
        Assert.Equal(state.Status, restored.Status);
        Assert.Equal(dump.Index.Priorities.Sum(p => Math.Pow(p, 0.6)), state.TotalMass, 6);
    }
}
