namespace SpeedyZero.Metrics;

/// <summary>One gauge series; updates are lock-free.</summary>
public sealed class GaugeSeries
{
    private AtomicDouble value;

    internal GaugeSeries()
    {
    }

    public double Value => value.Value;

    public void Set(double newValue) => value.Value = newValue;

    public void Inc(double amount = 1) => value.Add(amount);

    public void Dec(double amount = 1) => value.Add(-amount);
}
