namespace SpeedyZero.Cluster.Channels.Chunking;

/// <summary>Bounds of reassembly: what a chunk header may claim, and how long a transfer may take.</summary>
public sealed record ChunkAssemblerOptions
{
    /// <summary>Largest payload accepted.</summary>
    public long MaxTransferBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most chunks per transfer.</summary>
    public int MaxChunks { get; init; } = 4096;

    /// <summary>Transfers assembled at once; a new one beyond this drops the oldest.</summary>
    public int MaxConcurrentTransfers { get; init; } = 16;

    /// <summary>Time from a transfer's first chunk after which it is dropped incomplete.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
