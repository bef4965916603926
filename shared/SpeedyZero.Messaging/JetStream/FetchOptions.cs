namespace SpeedyZero.Messaging.JetStream;

/// <summary>One pull: up to <see cref="Batch"/> messages, waiting at most <see cref="Expires"/> (or not at all with <see cref="NoWait"/>).</summary>
public sealed record FetchOptions
{
    public int Batch { get; init; } = 1;

    public TimeSpan Expires { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Return at once with what is available (possibly nothing).</summary>
    public bool NoWait { get; init; }

    /// <summary>Byte limit of the batch; 0 for none.</summary>
    public long MaxBytes { get; init; }
}
