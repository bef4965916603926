using SpeedyZero.Metrics;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>A Prometheus counter fed from a running total that a role keeps (adds the difference since the last look).</summary>
public sealed class DeltaCounter(Counter counter)
{
    private double last;

    public void Observe(double total)
    {
        if (total > last)
        {
            counter.Inc(total - last);
            last = total;
        }
    }
}
