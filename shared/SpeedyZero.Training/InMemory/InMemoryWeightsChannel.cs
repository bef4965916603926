using SpeedyZero.Training.Channels;

namespace SpeedyZero.Training.InMemory;

/// <summary>
/// The latest weights of each kind in one buffer per kind, written in place: a publication copies
/// into it and a reader reads from it under the kind's lock (a copy of a few MB against a
/// learner step of a hundred milliseconds), so no version allocates once the buffer fits.
/// </summary>
public sealed class InMemoryWeightsChannel : IWeightsChannel
{
    private readonly Slot[] slots = [.. Enum.GetValues<WeightsKind>().Select(_ => new Slot())];

    public ValueTask PublishAsync(WeightsKind kind, long version, ReadOnlyMemory<byte> weights, CancellationToken cancellationToken)
    {
        var slot = slots[(int)kind];
        lock (slot.Gate)
        {
            if (slot.Buffer.Length != weights.Length) slot.Buffer = new byte[weights.Length];
            weights.Span.CopyTo(slot.Buffer);
            Volatile.Write(ref slot.Version, version);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<long?> ReadNewerAsync(WeightsKind kind, long haveVersion, WeightsReader read, CancellationToken cancellationToken)
    {
        var slot = slots[(int)kind];
        if (Volatile.Read(ref slot.Version) <= haveVersion) return ValueTask.FromResult<long?>(null); // the common case, lock-free
        lock (slot.Gate)
        {
            read(slot.Version, slot.Buffer);
            return ValueTask.FromResult<long?>(slot.Version);
        }
    }

    private sealed class Slot
    {
        public readonly Lock Gate = new();
        public byte[] Buffer = [];
        public long Version = -1;
    }
}
