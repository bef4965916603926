using SpeedyZero.Core.Search;

namespace SpeedyZero.Core.Tests.Search;

public class VisitSamplingTests
{
    [Fact]
    public void Zero_temperature_takes_the_most_visited_and_breaks_ties_at_random()
    {
        var state = SearchRandom.StreamState(1, 0);
        Assert.Equal(2, VisitSampling.Choose([1, 3, 9, 0], 0f, ref state));
        var seen = new HashSet<int>();
        for (var i = 0; i < 100; i++) seen.Add(VisitSampling.Choose([5, 0, 5, 2], 0f, ref state));
        Assert.Equal([0, 2], seen.Order().ToArray());
    }

    [Theory]
    [InlineData(1.0f)]
    [InlineData(0.5f)]
    public void Temperature_samples_visits_to_the_power_one_over_t(float temperature)
    {
        int[] counts = [10, 30, 0, 60];
        var weights = counts.Select(c => Math.Pow(c, 1 / temperature)).ToArray();
        var total = weights.Sum();
        var state = SearchRandom.StreamState(9, 0);
        const int n = 50_000;
        var hits = new int[4];
        for (var i = 0; i < n; i++) hits[VisitSampling.Choose(counts, temperature, ref state)]++;
        Assert.Equal(0, hits[2]);
        var chi2 = 0.0;
        foreach (var a in new[] { 0, 1, 3 })
        {
            var expected = n * weights[a] / total;
            chi2 += (hits[a] - expected) * (hits[a] - expected) / expected;
        }

        Assert.True(chi2 < 13.8, $"chi-squared {chi2} over 2 degrees of freedom"); // p ~ 0.001
    }

    [Fact]
    public void Very_small_temperature_does_not_overflow()
    {
        var state = SearchRandom.StreamState(2, 0);
        Assert.Equal(1, VisitSampling.Choose([49, 50, 1], 0.001f, ref state));
    }
}
