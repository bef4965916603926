namespace SpeedyZero.Training.Channels;

/// <summary>
/// Unique segment ids without coordination: each actor incarnation draws a random 20-bit
/// incarnation number and counts up in the low 27 bits. A restarted actor gets a new
/// incarnation, so the receiving side can tell its segments from those of the crashed one.
/// </summary>
public sealed class SegmentIds(int incarnation)
{
    public const int CounterBits = 27;
    public const int IncarnationBits = 20;

    private readonly long prefix = (long)(incarnation & ((1 << IncarnationBits) - 1)) << CounterBits;
    private long counter;

    public int Incarnation { get; } = incarnation & ((1 << IncarnationBits) - 1);

    /// <summary>An identifier, not part of the run's randomness: drawn from the OS so that a restart never reuses one.</summary>
    public static SegmentIds ForNewIncarnation() => new(System.Security.Cryptography.RandomNumberGenerator.GetInt32(1 << IncarnationBits));

    public long Next()
    {
        var n = Interlocked.Increment(ref counter);
        if (n >= 1L << CounterBits)
        {
            throw new InvalidOperationException("segment counter exhausted; restart the actor for a new incarnation");
        }

        return prefix | n;
    }
}
