using SpeedyZero.Training.Channels;

namespace SpeedyZero.Training.InMemory;

/// <summary>The latest weights of each kind, swapped atomically; readers copy nothing until a version is newer.</summary>
public sealed class InMemoryWeightsChannel : IWeightsChannel
{
    private readonly WeightsVersion?[] latest = new WeightsVersion?[Enum.GetValues<WeightsKind>().Length];

    public ValueTask PublishAsync(WeightsKind kind, long version, byte[] weights, CancellationToken cancellationToken)
    {
        Volatile.Write(ref latest[(int)kind], new WeightsVersion(version, weights));
        return ValueTask.CompletedTask;
    }

    public ValueTask<WeightsVersion?> GetNewerAsync(WeightsKind kind, long haveVersion, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref latest[(int)kind]);
        return ValueTask.FromResult(current is not null && current.Version > haveVersion ? current : null);
    }
}
