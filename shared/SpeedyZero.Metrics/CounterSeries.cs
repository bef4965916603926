namespace SpeedyZero.Metrics;

/// <summary>One counter series; increments are lock-free.</summary>
public sealed class CounterSeries
{
    private AtomicDouble value;

    internal CounterSeries()
    {
    }

    public double Value => value.Value;

    /// <summary>Adds a non-negative amount.</summary>
    public void Inc(double amount = 1)
    {
        if (!(amount >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "counters only go up");
        }

        value.Add(amount);
    }
}
