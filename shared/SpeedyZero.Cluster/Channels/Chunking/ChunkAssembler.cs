using System.Globalization;
using NATS.Client.Core;

namespace SpeedyZero.Cluster.Channels.Chunking;

/// <summary>
/// Reassembles chunked payloads. Every header is bounds-checked before any buffer is allocated
/// (count, total length, offset and size of each chunk); repeated chunks are ignored; transfers
/// not completed within <see cref="ChunkAssemblerOptions.Timeout"/> are dropped and counted.
/// Messages without chunk headers pass through unchanged.
/// </summary>
public sealed class ChunkAssembler(ChunkAssemblerOptions options, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Dictionary<string, Transfer> _transfers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ChunkAssembler() : this(new ChunkAssemblerOptions()) { }

    /// <summary>Transfers completed.</summary>
    public long Completed { get; private set; }

    /// <summary>Incomplete transfers dropped on timeout (or to make room).</summary>
    public long DroppedIncomplete { get; private set; }

    /// <summary>Chunks refused as malformed or inconsistent (their transfer is dropped too).</summary>
    public long Rejected { get; private set; }

    /// <summary>Why the last chunk was refused.</summary>
    public string? LastRejection { get; private set; }

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _transfers.Count;
            }
        }
    }

    /// <summary>
    /// Adds a received message. True with the whole payload when this completed a transfer (or the
    /// message was not chunked); false while incomplete or when the chunk was refused.
    /// </summary>
    public bool TryAdd(NatsHeaders? headers, ReadOnlyMemory<byte> data, out ReadOnlyMemory<byte> payload)
    {
        payload = default;
        var id = ChunkHeaders.Read(headers, ChunkHeaders.TransferId);
        if (id is null)
        {
            payload = data;
            return true;
        }

        lock (_gate)
        {
            Sweep();
            if (!TryReadHeaders(headers!, data.Length, out var index, out var count, out var total, out var offset, out var error))
            {
                return Reject(id, error);
            }

            if (!_transfers.TryGetValue(id, out var transfer))
            {
                if (count == 1)
                {
                    if (offset != 0 || data.Length != total)
                    {
                        return Reject(id, $"single chunk of {data.Length} bytes at {offset} does not match the length {total}");
                    }

                    Completed++;
                    payload = data;
                    return true;
                }

                if (_transfers.Count >= options.MaxConcurrentTransfers)
                {
                    DropOldest();
                }

                transfer = new Transfer(count, total, _clock.GetUtcNow());
                _transfers[id] = transfer;
            }

            if (transfer.Count != count || transfer.Buffer.Length != total)
            {
                return Reject(id, $"chunk {index} of '{id}' disagrees with earlier chunks on count or length");
            }

            if (!transfer.Seen[index])
            {
                data.Span.CopyTo(transfer.Buffer.AsSpan((int)offset));
                transfer.Seen[index] = true;
                transfer.Received++;
                transfer.Bytes += data.Length;
            }

            if (transfer.Received < transfer.Count)
            {
                return false;
            }

            _transfers.Remove(id);
            if (transfer.Bytes != total)
            {
                return Reject(id, $"transfer '{id}' chunks add up to {transfer.Bytes} bytes, header says {total}");
            }

            Completed++;
            payload = transfer.Buffer;
            return true;
        }
    }

    /// <summary>Drops transfers older than the timeout; called on every add, callable from a timer.</summary>
    public void Sweep()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            foreach (var (id, transfer) in _transfers.ToList())
            {
                if (now - transfer.Started > options.Timeout)
                {
                    _transfers.Remove(id);
                    DroppedIncomplete++;
                }
            }
        }
    }

    private bool TryReadHeaders(NatsHeaders headers, int length, out int index, out int count, out long total, out long offset, out string error)
    {
        index = count = 0;
        total = offset = 0;
        error = "";
        if (!int.TryParse(ChunkHeaders.Read(headers, ChunkHeaders.Index), NumberStyles.None, CultureInfo.InvariantCulture, out index)
            || !int.TryParse(ChunkHeaders.Read(headers, ChunkHeaders.Count), NumberStyles.None, CultureInfo.InvariantCulture, out count)
            || !long.TryParse(ChunkHeaders.Read(headers, ChunkHeaders.TotalLength), NumberStyles.None, CultureInfo.InvariantCulture, out total)
            || !long.TryParse(ChunkHeaders.Read(headers, ChunkHeaders.Offset), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            error = "missing or non-numeric chunk header";
            return false;
        }

        if (count < 1 || count > options.MaxChunks)
        {
            error = $"chunk count {count} outside 1..{options.MaxChunks}";
        }
        else if (total > options.MaxTransferBytes)
        {
            error = $"transfer length {total} exceeds {options.MaxTransferBytes}";
        }
        else if (index >= count)
        {
            error = $"chunk index {index} not below count {count}";
        }
        else if (offset + length > total)
        {
            error = $"chunk at {offset} of {length} bytes runs past the transfer length {total}";
        }

        return error.Length == 0;
    }

    private bool Reject(string id, string error)
    {
        _transfers.Remove(id);
        Rejected++;
        LastRejection = error;
        return false;
    }

    private void DropOldest()
    {
        var oldest = _transfers.MinBy(t => t.Value.Started);
        _transfers.Remove(oldest.Key);
        DroppedIncomplete++;
    }

    private sealed class Transfer(int count, long total, DateTimeOffset started)
    {
        public int Count { get; } = count;

        public byte[] Buffer { get; } = new byte[total];

        public bool[] Seen { get; } = new bool[count];

        public DateTimeOffset Started { get; } = started;

        public int Received { get; set; }

        public long Bytes { get; set; }
    }
}
