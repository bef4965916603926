namespace SpeedyZero.Messaging.Nats;

/// <summary>Live counters of one connection; read with <see cref="Snapshot"/> (metrics read these).</summary>
public sealed class NatsCounters
{
    internal long MessagesIn;
    internal long MessagesOut;
    internal long BytesIn;
    internal long BytesOut;
    internal long Reconnects;
    internal long DroppedSlowConsumer;
    internal long ProtocolErrors;
    internal long ReconnectBufferOverflows;
    internal long ServerErrors;

    /// <summary>A consistent-enough copy of every counter (each read atomically).</summary>
    public NatsCounterSnapshot Snapshot() => new(
        Interlocked.Read(ref MessagesIn),
        Interlocked.Read(ref MessagesOut),
        Interlocked.Read(ref BytesIn),
        Interlocked.Read(ref BytesOut),
        Interlocked.Read(ref Reconnects),
        Interlocked.Read(ref DroppedSlowConsumer),
        Interlocked.Read(ref ProtocolErrors),
        Interlocked.Read(ref ReconnectBufferOverflows),
        Interlocked.Read(ref ServerErrors));
}

/// <summary>Counter values at one moment. Bytes count payload and header bytes, not protocol framing.</summary>
public readonly record struct NatsCounterSnapshot(
    long MessagesIn,
    long MessagesOut,
    long BytesIn,
    long BytesOut,
    long Reconnects,
    long DroppedSlowConsumer,
    long ProtocolErrors,
    long ReconnectBufferOverflows,
    long ServerErrors);
