using SpeedyZero.Core.Search;

namespace SpeedyZero.Core.Tests.Search;

public class SearchOptionsTests
{
    // The table in docs/search.md lists these defaults; keep both in step with ALGORITHM.md section 3.
    [Fact]
    public void Default_is_the_efficient_zero_setting()
    {
        var o = SearchOptions.Default;
        Assert.Equal(50, o.Simulations);
        Assert.Equal(1.25f, o.PbC1);
        Assert.Equal(19652f, o.PbC2);
        Assert.Equal(0.997 * 0.997 * 0.997 * 0.997, o.Discount, 6);
        Assert.Equal(5, o.ValuePrefixHorizon);
        Assert.Equal(0.3f, o.DirichletAlpha);
        Assert.Equal(0.25f, o.DirichletFraction);
        Assert.Equal(0.01f, o.MinMaxFloor);
        Assert.Same(o, o.Validate());
    }

    [Fact]
    public void Documented_defaults_match_the_code()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "search.md"));
        Assert.Contains("| `Simulations` | 50 |", doc);
        Assert.Contains("| `PbC1`, `PbC2` | 1.25, 19652 |", doc);
        Assert.Contains("| `ValuePrefixHorizon` | 5 |", doc);
        Assert.Contains("| `DirichletAlpha`, `DirichletFraction` | 0.3, 0.25 |", doc);
        Assert.Contains("| `MinMaxFloor` | 0.01 |", doc);
        Assert.Contains("| `TieEpsilon` | 1e-6 |", doc);
        Assert.Equal(1e-6f, SearchOptions.Default.TieEpsilon);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "speedyzero-k8s.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
