namespace SpeedyZero.Training.Progress;

/// <summary>Spread of episode returns, as every evaluation reports it.</summary>
public static class ReturnStatistics
{
    /// <summary>Population standard deviation (the episodes played are the whole sample).</summary>
    public static double StandardDeviation(this IReadOnlyCollection<double> returns)
    {
        var mean = returns.Average();
        return Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / returns.Count);
    }
}
