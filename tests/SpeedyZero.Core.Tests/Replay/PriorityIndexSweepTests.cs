using SpeedyZero.Core.Replay;

namespace SpeedyZero.Core.Tests.Replay;

public class PriorityIndexSweepTests
{
    [Fact]
    public void Sweep_walks_held_transitions_in_id_order_from_the_oldest()
    {
        var index = new PriorityIndex(PriorityOptions.Default with { Capacity = 4 });
        for (long key = 100; key < 106; key++) index.Add(key); // ids 0..5; 0 and 1 evicted
        var ids = new long[3];
        var keys = new long[3];

        var n = index.Sweep(0, ids, keys);
        Assert.Equal(3, n);
        Assert.Equal([2L, 3L, 4L], ids);
        Assert.Equal([102L, 103L, 104L], keys);

        n = index.Sweep(5, ids, keys);
        Assert.Equal(1, n);
        Assert.Equal((5L, 105L), (ids[0], keys[0]));

        Assert.Equal(0, index.Sweep(6, ids, keys));
    }
}
