using System.Diagnostics;

namespace SpeedyZero.Bench;

/// <summary>Timing with warm-up: repeats an action until a time budget is spent.</summary>
public static class Measure
{
    /// <summary>Mean seconds per call of <paramref name="action"/>, after <paramref name="warmupCalls"/> untimed calls.</summary>
    public static double SecondsPerCall(Action action, double budgetSeconds = 1.0, int warmupCalls = 3)
    {
        for (var i = 0; i < warmupCalls; i++)
        {
            action();
        }

        var calls = 0L;
        var watch = Stopwatch.StartNew();
        // Batches of calls keep the clock reads out of the measurement for very short actions.
        var batch = 1L;
        while (watch.Elapsed.TotalSeconds < budgetSeconds)
        {
            for (var i = 0L; i < batch; i++)
            {
                action();
            }

            calls += batch;
            if (watch.Elapsed.TotalSeconds < budgetSeconds / 100)
            {
                batch *= 2;
            }
        }

        return watch.Elapsed.TotalSeconds / calls;
    }

    /// <summary>
    /// Mean seconds per awaited call of <paramref name="action"/>, after <paramref name="warmupCalls"/> untimed calls;
    /// for asynchronous round trips (microseconds and up), so the clock is read once per call.
    /// </summary>
    public static async Task<double> SecondsPerCallAsync(Func<Task> action, double budgetSeconds = 1.0, int warmupCalls = 3)
    {
        for (var i = 0; i < warmupCalls; i++)
        {
            await action();
        }

        var calls = 0L;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < budgetSeconds)
        {
            await action();
            calls++;
        }

        return watch.Elapsed.TotalSeconds / calls;
    }
}
