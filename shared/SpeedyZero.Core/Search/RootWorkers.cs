namespace SpeedyZero.Core.Search;

/// <summary>
/// A fixed set of threads that split a range of roots between them, once per simulation,
/// without allocating: the caller runs the first share itself, workers spin briefly for the
/// next phase and then block, and the caller spins until every share is done.
/// </summary>
internal sealed class RootWorkers : IDisposable
{
    /// <summary>Work on roots [start, end) by worker <paramref name="worker"/> (0 is the caller).</summary>
    public delegate void RangeBody(int worker, int start, int end);

    // Short: between phases the caller runs the network, whose threads need these cores.
    private const int SpinsBeforeBlocking = 100;

    private readonly Thread[] threads;
    private readonly object gate = new();
    private RangeBody? body;
    private int count;

    // Generation (high bits) and share count (low 16 bits) in one word, so a worker reads both
    // consistently even when it wakes late: a non-participant never acts on a newer phase's count.
    private long phase;
    private int pending;
    private int sleeping;
    private volatile bool stopping;
    private Exception? failure;

    public RootWorkers(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        threads = new Thread[workers - 1];
        for (var i = 0; i < threads.Length; i++)
        {
            var index = i + 1;
            threads[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"search-worker-{index}" };
            threads[i].Start();
        }
    }

    /// <summary>Workers including the calling thread.</summary>
    public int Count => threads.Length + 1;

    /// <summary>Runs <paramref name="work"/> over [0, total) split into at most <paramref name="maxShares"/> contiguous shares.</summary>
    public void Run(int total, int maxShares, RangeBody work)
    {
        var n = Math.Min(Math.Min(maxShares, Count), total);
        if (n <= 1)
        {
            work(0, 0, total);
            return;
        }

        body = work;
        count = total;
        Volatile.Write(ref pending, n - 1);
        var next = ((Volatile.Read(ref phase) >> 16) + 1) << 16 | (long)n;
        Interlocked.Exchange(ref phase, next);
        if (Volatile.Read(ref sleeping) > 0)
        {
            lock (gate)
            {
                Monitor.PulseAll(gate);
            }
        }

        Exception? own = null;
        try
        {
            work(0, 0, ShareEnd(0, total, n));
        }
        catch (Exception e)
        {
            own = e;
        }

        var spinner = new SpinWait();
        while (Volatile.Read(ref pending) != 0)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        var error = own ?? Interlocked.Exchange(ref failure, null);
        failure = null;
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }

    public void Dispose()
    {
        stopping = true;
        Interlocked.Add(ref phase, 1L << 16);
        lock (gate)
        {
            Monitor.PulseAll(gate);
        }

        foreach (var t in threads)
        {
            t.Join();
        }
    }

    private static int ShareEnd(int share, int total, int n) => (int)((long)total * (share + 1) / n);

    private void Loop(int index)
    {
        var seen = Volatile.Read(ref phase) >> 16;
        while (true)
        {
            var spinner = new SpinWait();
            while (Volatile.Read(ref phase) >> 16 == seen)
            {
                if (spinner.Count < SpinsBeforeBlocking)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                    continue;
                }

                // Full fence on both sides (this increment, the caller's phase exchange)
                // means either we see the new generation or the caller sees us sleeping.
                Interlocked.Increment(ref sleeping);
                lock (gate)
                {
                    while (Volatile.Read(ref phase) >> 16 == seen && !stopping)
                    {
                        Monitor.Wait(gate);
                    }
                }

                Interlocked.Decrement(ref sleeping);
            }

            var current = Volatile.Read(ref phase);
            seen = current >> 16;
            if (stopping)
            {
                return;
            }

            var n = (int)(current & 0xFFFF);
            if (index < n)
            {
                try
                {
                    body!(index, ShareEnd(index - 1, count, n), ShareEnd(index, count, n));
                }
                catch (Exception e)
                {
                    // Handed to the caller, which rethrows it once every share is done.
                    Interlocked.CompareExchange(ref failure, e, null);
                }

                Interlocked.Decrement(ref pending);
            }
        }
    }
}
