using SpeedyZero.Messaging.JetStream;
using SpeedyZero.Messaging.Nats;

namespace SpeedyZero.Messaging.Chunking;

/// <summary>Sends payloads of any size as chunks over core NATS or JetStream.</summary>
public static class ChunkedPublisher
{
    /// <summary>Core NATS: publishes every chunk (no acknowledgement; the receiver times out incomplete transfers).</summary>
    public static async Task<string> PublishAsync(NatsConnection connection, string subject, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var transferId = Guid.NewGuid().ToString("N");
        foreach (var (headers, data) in ChunkSplitter.Split(payload, ChunkSplitter.ChunkSizeFor(connection.ServerInfo.MaxPayload), transferId))
        {
            await connection.PublishAsync(subject, data, headers, cancellationToken: cancellationToken);
        }

        return transferId;
    }

    /// <summary>
    /// JetStream: every chunk is acknowledged by the stream and carries Nats-Msg-Id
    /// "transfer:index", so resending after a failure stores no chunk twice.
    /// </summary>
    public static async Task<string> PublishAsync(JetStreamContext jetStream, string subject, ReadOnlyMemory<byte> payload, string? transferId = null, CancellationToken cancellationToken = default)
    {
        transferId ??= Guid.NewGuid().ToString("N");
        var chunkSize = ChunkSplitter.ChunkSizeFor(jetStream.Connection.ServerInfo.MaxPayload);
        foreach (var (headers, data) in ChunkSplitter.Split(payload, chunkSize, transferId))
        {
            await jetStream.PublishAsync(subject, data, $"{transferId}:{headers[ChunkHeaders.Index]}", headers, cancellationToken);
        }

        return transferId;
    }
}
