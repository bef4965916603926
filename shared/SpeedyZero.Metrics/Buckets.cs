namespace SpeedyZero.Metrics;

/// <summary>Bucket layouts for histograms.</summary>
public static class Buckets
{
    /// <summary>Latencies from 0.5 ms to 10 s, in seconds.</summary>
    public static double[] DefaultSeconds => [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary><paramref name="count"/> bounds start, start + width, ...</summary>
    public static double[] Linear(double start, double width, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        return Enumerable.Range(0, count).Select(i => start + (i * width)).ToArray();
    }

    /// <summary><paramref name="count"/> bounds start, start * factor, ...</summary>
    public static double[] Exponential(double start, double factor, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(start);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(factor, 1);
        return Enumerable.Range(0, count).Select(i => start * Math.Pow(factor, i)).ToArray();
    }
}
