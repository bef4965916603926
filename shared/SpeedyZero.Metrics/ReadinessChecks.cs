namespace SpeedyZero.Metrics;

/// <summary>
/// Named readiness checks behind /readyz (e.g. "nats connected", "redis reachable", "weights loaded").
/// A check that throws or overruns its time limit counts as not ready.
/// </summary>
public sealed class ReadinessChecks
{
    private readonly Lock gate = new();
    private readonly List<(string Name, Func<CancellationToken, ValueTask<ReadinessResult>> Check)> checks = [];

    public void Add(string name, Func<CancellationToken, ValueTask<ReadinessResult>> check)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(check);
        lock (gate)
        {
            checks.Add((name, check));
        }
    }

    /// <summary>A synchronous check: ready while <paramref name="isReady"/> returns true.</summary>
    public void Add(string name, Func<bool> isReady)
    {
        ArgumentNullException.ThrowIfNull(isReady);
        Add(name, _ => ValueTask.FromResult(isReady() ? ReadinessResult.Ready() : ReadinessResult.NotReady("check returned false")));
    }

    /// <summary>Runs every check (concurrently, each within <paramref name="timeout"/>).</summary>
    public async Task<IReadOnlyList<(string Name, ReadinessResult Result)>> RunAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        (string Name, Func<CancellationToken, ValueTask<ReadinessResult>> Check)[] snapshot;
        lock (gate)
        {
            snapshot = [.. checks];
        }

        var results = await Task.WhenAll(snapshot.Select(c => RunOneAsync(c.Name, c.Check, timeout, cancellationToken))).ConfigureAwait(false);
        return results;
    }

    private static async Task<(string, ReadinessResult)> RunOneAsync(
        string name, Func<CancellationToken, ValueTask<ReadinessResult>> check, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return (name, await check(limit.Token).AsTask().WaitAsync(limit.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (name, ReadinessResult.NotReady($"no answer within {timeout.TotalSeconds:0.###} s"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (name, ReadinessResult.NotReady($"{e.GetType().Name}: {e.Message}"));
        }
    }
}
