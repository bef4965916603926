namespace SpeedyZero.Core.Search;

/// <summary>Picks the action to play from root visit counts.</summary>
public static class VisitSampling
{
    /// <summary>
    /// Samples an action with probability proportional to <c>N^(1/T)</c>; <paramref name="temperature"/>
    /// 0 takes the most visited, ties broken at random. Computed in log space so small
    /// temperatures do not overflow.
    /// </summary>
    public static int Choose(ReadOnlySpan<int> visitCounts, float temperature, ref ulong state)
    {
        var most = 0;
        for (var a = 0; a < visitCounts.Length; a++)
        {
            if (visitCounts[a] > most) most = visitCounts[a];
        }

        if (most == 0)
        {
            throw new ArgumentException("no action was visited", nameof(visitCounts));
        }

        if (temperature == 0f)
        {
            var ties = 0;
            for (var a = 0; a < visitCounts.Length; a++)
            {
                if (visitCounts[a] == most) ties++;
            }

            var pick = ties == 1 ? 0 : SearchRandom.NextInt(ref state, ties);
            for (var a = 0; a < visitCounts.Length; a++)
            {
                if (visitCounts[a] == most && pick-- == 0) return a;
            }
        }

        var inverse = 1.0 / temperature;
        var logMost = Math.Log(most);
        var total = 0.0;
        for (var a = 0; a < visitCounts.Length; a++)
        {
            total += Weight(visitCounts[a], logMost, inverse);
        }

        var u = SearchRandom.NextDouble(ref state) * total;
        var last = -1;
        for (var a = 0; a < visitCounts.Length; a++)
        {
            var w = Weight(visitCounts[a], logMost, inverse);
            if (w <= 0) continue;
            last = a;
            u -= w;
            if (u < 0) return a;
        }

        return last; // rounding left u just above zero
    }

    private static double Weight(int count, double logMost, double inverse) =>
        count == 0 ? 0.0 : Math.Exp((Math.Log(count) - logMost) * inverse);
}
