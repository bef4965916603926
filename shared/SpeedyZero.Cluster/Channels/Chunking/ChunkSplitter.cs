using System.Globalization;
using NATS.Client.Core;

namespace SpeedyZero.Cluster.Channels.Chunking;

/// <summary>Cuts a payload into chunks that fit the server's max_payload, with the chunk headers.</summary>
public static class ChunkSplitter
{
    /// <summary>Chunk size for a server: max_payload less room for the headers.</summary>
    public static int ChunkSizeFor(long maxPayload) => (int)Math.Max(1, maxPayload - ChunkHeaders.Reserve);

    /// <summary>The chunks of <paramref name="payload"/>; slices share its memory (no copy).</summary>
    public static IEnumerable<(NatsHeaders Headers, ReadOnlyMemory<byte> Data)> Split(ReadOnlyMemory<byte> payload, int chunkSize, string transferId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var count = Math.Max(1, (int)((payload.Length + (long)chunkSize - 1) / chunkSize));
        for (var index = 0; index < count; index++)
        {
            var offset = (long)index * chunkSize;
            var length = (int)Math.Min(chunkSize, payload.Length - offset);
            var headers = new NatsHeaders
            {
                [ChunkHeaders.TransferId] = transferId,
                [ChunkHeaders.Index] = index.ToString(CultureInfo.InvariantCulture),
                [ChunkHeaders.Count] = count.ToString(CultureInfo.InvariantCulture),
                [ChunkHeaders.TotalLength] = payload.Length.ToString(CultureInfo.InvariantCulture),
                [ChunkHeaders.Offset] = offset.ToString(CultureInfo.InvariantCulture),
            };
            yield return (headers, payload.Slice((int)offset, length));
        }
    }
}
