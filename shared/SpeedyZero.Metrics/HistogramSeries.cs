namespace SpeedyZero.Metrics;

/// <summary>One histogram series: per-bucket counts (made cumulative when rendered) and a sum, lock-free.</summary>
public sealed class HistogramSeries
{
    private readonly double[] bounds;
    private readonly long[] counts; // last slot is the +Inf bucket
    private AtomicDouble sum;

    internal HistogramSeries(double[] bounds)
    {
        this.bounds = bounds;
        counts = new long[bounds.Length + 1];
    }

    public double Sum => sum.Value;

    /// <summary>Observations so far (the +Inf bucket).</summary>
    public long Count => SnapshotCounts().Sum();

    public void Observe(double value)
    {
        // le is inclusive: the first bound >= value takes it; NaN lands in +Inf.
        int index;
        if (double.IsNaN(value))
        {
            index = bounds.Length; // NaN compares below everything in .NET; it belongs in +Inf only
        }
        else
        {
            index = bounds.AsSpan().BinarySearch(value);
            if (index < 0)
            {
                index = ~index;
            }
        }

        Interlocked.Increment(ref counts[index]);
        sum.Add(value);
    }

    internal long[] SnapshotCounts()
    {
        var snapshot = new long[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            snapshot[i] = Interlocked.Read(ref counts[i]);
        }

        return snapshot;
    }
}
