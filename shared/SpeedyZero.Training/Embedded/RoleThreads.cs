namespace SpeedyZero.Training.Embedded;

/// <summary>
/// Each role's loop on a thread of its own. The first role to fail cancels the others, and
/// its exception (with the role's name) is what the run reports.
/// </summary>
public sealed class RoleThreads(CancellationTokenSource stop)
{
    private readonly List<Thread> threads = [];
    private readonly Lock gate = new();
    private Exception? failure;

    public Exception? Failure
    {
        get { lock (gate) return failure; }
    }

    public Thread Start(string role, Action<CancellationToken> loop)
    {
        var thread = new Thread(() =>
        {
            try
            {
                loop(stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // stopping
            }
            catch (Exception e)
            {
                lock (gate) failure ??= new RoleFailedException(role, e);
                stop.Cancel();
            }
        }) { IsBackground = true, Name = role };
        threads.Add(thread);
        thread.Start();
        return thread;
    }

    public void JoinAll()
    {
        foreach (var thread in threads) thread.Join();
    }
}

/// <summary>A role's loop threw; the inner exception says why.</summary>
public sealed class RoleFailedException(string role, Exception inner) : Exception($"{role} failed: {inner.Message}", inner)
{
    public string Role { get; } = role;
}
