namespace SpeedyZero.Storage.Redis;

/// <summary>Counters of one <see cref="RedisConnection"/> across reconnects; cheap to read for metrics.</summary>
public sealed class RedisConnectionStatistics
{
    internal long commandsSent;
    internal long writes;
    internal long socketWrites;
    internal long bytesWritten;
    internal long bytesRead;
    internal long connects;
    internal long droppedInFlight;

    /// <summary>Commands handed to the connection (a batch counts each of its commands).</summary>
    public long CommandsSent => Interlocked.Read(ref commandsSent);

    /// <summary>
    /// Hand-offs from callers to the writer: one per single command and one per whole batch, so a batch of
    /// N commands sent in one round trip adds exactly 1.
    /// </summary>
    public long Writes => Interlocked.Read(ref writes);

    /// <summary>Writes to the socket (or TLS stream) by the writer loop; it coalesces what callers queued.</summary>
    public long SocketWrites => Interlocked.Read(ref socketWrites);

    public long BytesWritten => Interlocked.Read(ref bytesWritten);

    public long BytesRead => Interlocked.Read(ref bytesRead);

    /// <summary>Successful connects, the first one included.</summary>
    public long Connects => Interlocked.Read(ref connects);

    /// <summary>Commands that failed because the connection dropped while they were in flight.</summary>
    public long DroppedInFlight => Interlocked.Read(ref droppedInFlight);
}
