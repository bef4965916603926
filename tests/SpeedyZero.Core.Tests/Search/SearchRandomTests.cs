using SpeedyZero.Core.Search;

namespace SpeedyZero.Core.Tests.Search;

public class SearchRandomTests
{
    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(4.5)]
    public void Gamma_has_its_mean_and_variance(double shape)
    {
        var state = SearchRandom.StreamState(42, 0);
        const int n = 40_000;
        double sum = 0, sumSq = 0;
        for (var i = 0; i < n; i++)
        {
            var g = SearchRandom.NextGamma(ref state, shape);
            Assert.True(g >= 0);
            sum += g;
            sumSq += g * g;
        }

        var mean = sum / n;
        var variance = sumSq / n - mean * mean;
        // Mean and variance of Gamma(k, 1) are both k; 5 standard errors of the mean.
        Assert.InRange(mean, shape - 5 * Math.Sqrt(shape / n), shape + 5 * Math.Sqrt(shape / n));
        Assert.InRange(variance, shape * 0.9, shape * 1.1);
    }

    [Fact]
    public void Streams_differ_between_roots_and_repeat_for_a_seed()
    {
        var a = SearchRandom.StreamState(1, 0);
        var b = SearchRandom.StreamState(1, 1);
        var again = SearchRandom.StreamState(1, 0);
        Assert.NotEqual(SearchRandom.NextUInt64(ref a), SearchRandom.NextUInt64(ref b));
        a = SearchRandom.StreamState(1, 0);
        Assert.Equal(SearchRandom.NextUInt64(ref a), SearchRandom.NextUInt64(ref again));
    }

    [Fact]
    public void Next_int_is_uniform()
    {
        var state = SearchRandom.StreamState(3, 0);
        var counts = new int[7];
        const int n = 70_000;
        for (var i = 0; i < n; i++) counts[SearchRandom.NextInt(ref state, 7)]++;
        var chi2 = counts.Sum(c => (c - n / 7.0) * (c - n / 7.0) / (n / 7.0));
        Assert.True(chi2 < 22.5, $"chi-squared {chi2} over 6 degrees of freedom"); // p ~ 0.001
    }
}
