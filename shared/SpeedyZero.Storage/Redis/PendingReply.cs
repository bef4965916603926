namespace SpeedyZero.Storage.Redis;

/// <summary>
/// A command (or a batch of commands) written to the connection and waiting for its replies. The reader
/// loop hands replies to the head of the FIFO in order; completions run their continuations on the thread
/// pool, never on the reader.
/// </summary>
internal abstract class PendingReply
{
    private int finished;

    /// <summary>When it was queued (Environment.TickCount64), for the reply timeout.</summary>
    public long QueuedAt { get; } = Environment.TickCount64;

    /// <summary>Takes the next reply; returns true when this entry has all its replies and leaves the FIFO.</summary>
    public abstract bool Deliver(in RedisReply reply);

    /// <summary>Fails the waiter; later replies for it are ignored.</summary>
    public abstract void Fail(Exception error);

    /// <summary>True for exactly one caller: the one allowed to complete the waiter.</summary>
    protected bool TryFinish() => Interlocked.Exchange(ref finished, 1) == 0;
}
