using FsCheck;
using FsCheck.Fluent;
using SpeedyZero.Core.Replay;

namespace SpeedyZero.Core.Tests.Replay;

public class PriorityIndexTests
{
    private static PriorityIndex Filled(int capacity, int count, Func<int, float> priority, double alpha = 0.6)
    {
        var index = new PriorityIndex(new PriorityOptions { Capacity = capacity, Alpha = alpha });
        for (var i = 0; i < count; i++) index.Add(1000 + i);
        var ids = Enumerable.Range(0, count).Select(i => (long)i).ToArray();
        index.Update(ids, ids.Select(i => priority((int)i)).ToArray());
        return index;
    }

    private static double NaiveMass(PriorityIndex index) =>
        index.Dump().Priorities.Sum(p => Math.Pow(p, index.Options.Alpha));

    [Fact]
    public void Sampling_frequencies_follow_priority_to_the_alpha()
    {
        const int n = 40;
        var index = Filled(64, n, i => 0.05f + i % 7);
        var random = new Random(1);
        var hits = new int[n];
        Span<long> ids = stackalloc long[1];
        Span<long> keys = stackalloc long[1];
        Span<float> weights = stackalloc float[1];
        const int draws = 60_000;
        for (var d = 0; d < draws; d++)
        {
            index.Sample(0.4, random, ids, keys, weights);
            hits[ids[0]]++;
            Assert.Equal(1000 + ids[0], keys[0]);
        }

        var total = Enumerable.Range(0, n).Sum(i => Math.Pow(0.05 + i % 7, 0.6));
        var chi2 = 0.0;
        for (var i = 0; i < n; i++)
        {
            var expected = draws * Math.Pow(0.05 + i % 7, 0.6) / total;
            chi2 += (hits[i] - expected) * (hits[i] - expected) / expected;
        }

        Assert.True(chi2 < 73.4, $"chi-squared {chi2} over 39 degrees of freedom"); // p ~ 0.001
    }

    [Fact]
    public void Batches_have_no_repeats_and_leave_the_tree_as_it_was()
    {
        var index = Filled(32, 20, i => i == 3 ? 1000f : 0.01f);
        var before = index.TotalMass;
        var random = new Random(2);
        var ids = new long[20];
        var keys = new long[20];
        var weights = new float[20];
        for (var round = 0; round < 50; round++)
        {
            index.Sample(1.0, random, ids.AsSpan(0, 7), keys.AsSpan(0, 7), weights.AsSpan(0, 7));
            Assert.Equal(7, ids.Take(7).Distinct().Count());
            Assert.Contains(3L, ids.Take(7)); // the heavy one is almost surely first
        }

        index.Sample(1.0, random, ids, keys, weights);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), ids.Order());
        Assert.Equal(before, index.TotalMass); // exact: parents are recomputed, never adjusted
    }

    [Theory]
    [InlineData(1f, 2f, 3f)]
    [InlineData(1f, 1f, 500f)] // the heavy item forces the exact fallback path
    public void Pairs_follow_the_sequential_without_replacement_law(float p0, float p1, float p2)
    {
        float[] p = [p0, p1, p2];
        var index = Filled(4, 3, i => p[i], alpha: 1.0);
        var random = new Random(8);
        var ids = new long[2];
        var counts = new int[3]; // by the item left out
        const int draws = 30_000;
        for (var d = 0; d < draws; d++)
        {
            index.Sample(1.0, random, ids, new long[2], new float[2]);
            counts[3 - ids[0] - ids[1]]++;
        }

        var total = p.Sum();
        var chi2 = 0.0;
        for (var left = 0; left < 3; left++)
        {
            int i = (left + 1) % 3, j = (left + 2) % 3;
            var probability = p[i] / total * p[j] / (total - p[i]) + p[j] / total * p[i] / (total - p[j]);
            var expected = draws * probability;
            chi2 += (counts[left] - expected) * (counts[left] - expected) / expected;
        }

        Assert.True(chi2 < 13.8, $"chi-squared {chi2} over 2 degrees of freedom"); // p ~ 0.001
    }

    [Fact]
    public void Importance_weights_are_normalised_by_the_batch_maximum()
    {
        var index = Filled(8, 4, i => i + 1f, alpha: 1.0);
        var ids = new long[4];
        var keys = new long[4];
        var weights = new float[4];
        index.Sample(0.5, new Random(3), ids, keys, weights);
        for (var i = 0; i < 4; i++)
        {
            // P_i = p_i / 10 and the smallest is p = 1: w = (p_i / 1)^-0.5.
            Assert.Equal(Math.Pow(ids[i] + 1, -0.5), weights[i], 5);
        }

        Assert.Equal(1f, weights.Max());
    }

    [Fact]
    public void New_data_enters_at_the_maximum_priority()
    {
        var index = Filled(16, 3, i => i * 2f + 1f);
        Assert.Equal(5f, index.MaxPriority);
        var id = index.Add(7);
        Assert.True(index.TryGet(id, out var key, out var priority));
        Assert.Equal(7, key);
        Assert.Equal(5f, priority);
        index.Update([0L], [0.5f]); // lower priorities leave the maximum alone
        Assert.Equal(5f, index.MaxPriority);
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Update([1L], [0f]));
    }

    [Fact]
    public void Full_index_evicts_the_oldest_and_ignores_stale_updates()
    {
        var index = new PriorityIndex(new PriorityOptions { Capacity = 5 });
        for (var i = 0; i < 8; i++) index.Add(i * 10);
        Assert.Equal(5, index.Count);
        Assert.Equal(3, index.OldestId);
        Assert.Equal(8, index.NextId);
        Assert.Equal(3, index.Evictions);
        Assert.False(index.Contains(2));
        Assert.True(index.TryGet(3, out var key, out _));
        Assert.Equal(30, key);

        var applied = index.Update([1L, 4L, 2L, 99L], [5f, 6f, 7f, 8f]);
        Assert.Equal(1, applied);
        Assert.Equal(3, index.StaleUpdates);
        Assert.True(index.TryGet(4, out _, out var p));
        Assert.Equal(6f, p);
        Assert.Equal(NaiveMass(index), index.TotalMass, 9);
    }

    [Fact]
    public void Dump_and_restore_round_trip_through_bytes()
    {
        var index = new PriorityIndex(new PriorityOptions { Capacity = 100 });
        var random = new Random(5);
        for (var i = 0; i < 250; i++)
        {
            index.Add(random.NextInt64());
            if (i % 3 == 0) index.Update([i - random.Next(120)], [0.01f + (float)random.NextDouble() * 5]);
        }

        var state = PriorityIndexState.FromBytes(index.Dump().ToBytes());
        var restored = PriorityIndex.Restore(index.Options, state);
        Assert.Equal(index.OldestId, restored.OldestId);
        Assert.Equal(index.NextId, restored.NextId);
        Assert.Equal(index.MaxPriority, restored.MaxPriority);
        Assert.Equal(index.StaleUpdates, restored.StaleUpdates);
        Assert.Equal(index.Evictions, restored.Evictions);
        Assert.Equal(index.TotalMass, restored.TotalMass);
        Assert.Equal(index.Dump().Priorities, restored.Dump().Priorities);
        Assert.Equal(index.Dump().Keys, restored.Dump().Keys);

        // Same draws from the same random source.
        var a = new long[16];
        var b = new long[16];
        index.Sample(0.4, new Random(9), a, new long[16], new float[16]);
        restored.Sample(0.4, new Random(9), b, new long[16], new float[16]);
        Assert.Equal(a, b);

        // A smaller capacity keeps the newest.
        var smaller = PriorityIndex.Restore(new PriorityOptions { Capacity = 30 }, state);
        Assert.Equal(index.NextId - 30, smaller.OldestId);
        Assert.Equal(NaiveMass(smaller), smaller.TotalMass, 9);
    }

    [Fact]
    public void A_dump_overwrites_an_earlier_dump_of_the_same_length_only()
    {
        var index = Filled(8, 5, i => 1f + i);
        var growing = index.Dump();
        index.Add(2000);
        var grown = index.Dump(growing);
        Assert.NotSame(growing.Priorities, grown.Priorities); // 6 transitions do not fit 5

        for (var i = 0; i < 4; i++) index.Add(3000 + i); // full: 8 held, the oldest 2 evicted
        var full = index.Dump();
        index.Update([index.OldestId + 1], [9f]);
        index.Add(4000);
        var again = index.Dump(full);
        Assert.Same(full.Priorities, again.Priorities);
        Assert.Same(full.Keys, again.Keys);
        Assert.Equal(index.Dump().ToBytes(), again.ToBytes());
        Assert.Equal(9f, again.Priorities[0]); // the transition updated is now the oldest
        Assert.Equal(4000, again.Keys[^1]);
    }

    [Fact]
    public void Bad_state_bytes_are_rejected()
    {
        var bytes = Filled(10, 4, i => 1f).Dump().ToBytes();
        Assert.Throws<FormatException>(() => PriorityIndexState.FromBytes(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<FormatException>(() => PriorityIndexState.FromBytes(bytes.AsSpan(0, 10)));
        var badVersion = (byte[])bytes.Clone();
        badVersion[4] = 2;
        Assert.Throws<FormatException>(() => PriorityIndexState.FromBytes(badVersion));
        var negative = (byte[])bytes.Clone();
        BitConverter.GetBytes(-1f).CopyTo(negative, 44);
        Assert.Throws<FormatException>(() => PriorityIndexState.FromBytes(negative));
    }

    [Fact]
    public void Sample_and_update_allocate_nothing()
    {
        var index = Filled(4096, 4000, i => 1f + i % 13);
        var random = new Random(6);
        var ids = new long[256];
        var keys = new long[256];
        var weights = new float[256];
        var priorities = Enumerable.Repeat(2f, 256).ToArray();
        index.Sample(0.4, random, ids, keys, weights);
        index.Update(ids, priorities);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 10; round++)
        {
            index.Sample(0.4, random, ids, keys, weights);
            for (var i = 0; i < priorities.Length; i++) priorities[i] = 0.5f + i;
            index.Update(ids, priorities);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Any_sequence_of_operations_keeps_the_totals_exact()
    {
        var operations =
            from capacity in Gen.Choose(1, 40)
            from steps in Gen.ListOf(Gen.Choose(0, 1000))
            select (capacity, steps);
        var property = Prop.ForAll(operations.ToArbitrary(), input =>
        {
            var (capacity, steps) = input;
            var index = new PriorityIndex(new PriorityOptions { Capacity = capacity, Alpha = 0.7 });
            var random = new Random(capacity);
            foreach (var step in steps)
            {
                if (step % 3 == 0 || index.Count == 0)
                {
                    index.Add(step);
                }
                else if (step % 3 == 1)
                {
                    index.Update([index.NextId - 1 - step % (capacity + 5)], [step / 100f]);
                }
                else
                {
                    var batch = Math.Min(index.Count, 1 + step % 4);
                    var ids = new long[batch];
                    index.Sample(0.5, random, ids, new long[batch], new float[batch]);
                    Assert.Equal(batch, ids.Distinct().Count());
                    Assert.All(ids, id => Assert.True(index.Contains(id)));
                }

                Assert.InRange(index.Count, 0, capacity);
            }

            var restored = PriorityIndex.Restore(index.Options, index.Dump());
            Assert.Equal(restored.TotalMass, index.TotalMass);
            Assert.Equal(NaiveMass(index), index.TotalMass, 9);
        });
        Check.QuickThrowOnFailure(property);
    }
}
