using NATS.Client.Core;

namespace SpeedyZero.Cluster.Channels.Chunking;

/// <summary>
/// Headers of one chunk of a payload larger than the server's max_payload. Every chunk carries
/// all five, so any chunk can open a transfer and every chunk can be bounds-checked alone.
/// </summary>
public static class ChunkHeaders
{
    /// <summary>Unique id of the transfer (one payload).</summary>
    public const string TransferId = "Sz-Transfer-Id";

    /// <summary>0-based index of this chunk.</summary>
    public const string Index = "Sz-Chunk-Index";

    /// <summary>Number of chunks in the transfer.</summary>
    public const string Count = "Sz-Chunk-Count";

    /// <summary>Total payload length in bytes.</summary>
    public const string TotalLength = "Sz-Transfer-Length";

    /// <summary>Byte offset of this chunk in the payload.</summary>
    public const string Offset = "Sz-Chunk-Offset";

    /// <summary>Bytes reserved for these headers (and a few more) when sizing chunks under max_payload.</summary>
    public const int Reserve = 1024;

    /// <summary>The header's single value, or null when absent.</summary>
    public static string? Read(NatsHeaders? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}
