using SpeedyZero.Engine;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.InMemory;

namespace SpeedyZero.Training.Tests.InMemory;

/// <summary>Batches circulate between publisher and learner instead of one being made per step.</summary>
public class InMemoryBatchQueueTests
{
    private static InMemoryBatchQueue Queue() => new(capacity: 2, new TrainBatchPool(batchSize: 4, unroll: 2, observationSize: 3, actionCount: 5));

    [Fact]
    public async Task A_returned_batch_is_rented_again_zeroed()
    {
        var queue = Queue();
        var batch = queue.Rent();
        batch.Observations.AsSpan().Fill(1.5f);
        batch.TargetPolicies.AsSpan().Fill(0.2f);
        batch.Masks.AsSpan().Fill(1f);
        batch.Ids.AsSpan().Fill(7);
        batch.Actions.AsSpan().Fill(3);
        batch.TargetVersion = 9;
        batch.FreshPolicies = 2;
        await queue.PublishAsync(batch, CancellationToken.None);

        var taken = await queue.TakeAsync(CancellationToken.None);
        Assert.Same(batch, taken);
        Assert.Equal(1.5f, taken.Observations[^1]);
        queue.Return(taken);

        var again = queue.Rent();
        Assert.Same(batch, again);
        Assert.All(again.Observations, v => Assert.Equal(0f, v));
        Assert.All(again.TargetPolicies, v => Assert.Equal(0f, v));
        Assert.All(again.Masks, v => Assert.Equal(0f, v));
        Assert.All(again.Ids, v => Assert.Equal(0L, v));
        Assert.All(again.Actions, v => Assert.Equal(0, v));
        Assert.Equal((0L, 0), (again.TargetVersion, again.FreshPolicies));
        Assert.Equal(1, queue.Pool.Created);
    }

    [Fact]
    public async Task The_pool_makes_only_as_many_batches_as_are_in_flight_at_once()
    {
        var queue = Queue();
        for (var step = 0; step < 100; step++)
        {
            // Two publishers ahead of the learner, as with a full queue of two.
            await queue.PublishAsync(queue.Rent(), CancellationToken.None);
            await queue.PublishAsync(queue.Rent(), CancellationToken.None);
            queue.Return(await queue.TakeAsync(CancellationToken.None));
            queue.Return(await queue.TakeAsync(CancellationToken.None));
        }

        Assert.Equal(2, queue.Pool.Created);
    }

    [Fact]
    public void A_batch_of_another_shape_is_refused()
    {
        var queue = Queue();
        var error = Assert.Throws<ArgumentException>(() => queue.Return(new TrainBatch(4, 2, 3, 6)));
        Assert.Contains("does not belong to this pool", error.Message);
        Assert.Contains("actions 6", error.Message);
    }
}
