using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Segments;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Roles.Replay;

namespace SpeedyZero.Training.InMemory;

/// <summary>Replay requests answered by calling the buffer directly.</summary>
public sealed class InMemoryReplayClient(ReplayBuffer buffer) : IReplayClient
{
    public ValueTask<ReplaySample> SampleAsync(int count, double beta, CancellationToken cancellationToken) =>
        ValueTask.FromResult(buffer.Sample(count, beta));

    public ValueTask<Segment?[]> GetSegmentsAsync(IReadOnlyList<long> segmentIds, CancellationToken cancellationToken) =>
        ValueTask.FromResult(buffer.GetSegments(segmentIds));

    public ValueTask UpdatePrioritiesAsync(long[] ids, float[] priorities, CancellationToken cancellationToken)
    {
        buffer.UpdatePriorities(ids, priorities);
        return ValueTask.CompletedTask;
    }

    public ValueTask<ReplayStatus> GetStatusAsync(CancellationToken cancellationToken) => ValueTask.FromResult(buffer.Status);

    public ValueTask<ReplaySweep> SweepAsync(long fromId, int count, CancellationToken cancellationToken) =>
        ValueTask.FromResult(buffer.Sweep(fromId, count));
}
