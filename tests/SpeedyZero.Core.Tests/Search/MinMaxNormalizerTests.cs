using SpeedyZero.Core.Search;

namespace SpeedyZero.Core.Tests.Search;

public class MinMaxNormalizerTests
{
    [Fact]
    public void Empty_tree_normalises_to_zero() =>
        Assert.Equal(0f, MinMaxNormalizer.Normalize(5f, MinMaxNormalizer.EmptyMin, MinMaxNormalizer.EmptyMax, 0.01f));

    [Fact]
    public void Wide_range_maps_linearly()
    {
        Assert.Equal(0f, MinMaxNormalizer.Normalize(-2f, -2f, 2f, 0.01f));
        Assert.Equal(0.75f, MinMaxNormalizer.Normalize(1f, -2f, 2f, 0.01f));
        Assert.Equal(1f, MinMaxNormalizer.Normalize(2f, -2f, 2f, 0.01f));
    }

    [Fact]
    public void Range_below_the_floor_divides_by_the_floor()
    {
        Assert.Equal(0.5f, MinMaxNormalizer.Normalize(1.005f, 1f, 1.008f, 0.01f), 4);
        Assert.Equal(0f, MinMaxNormalizer.Normalize(1f, 1f, 1f, 0.01f));
        Assert.Equal(0.3f, MinMaxNormalizer.Normalize(1.003f, 1f, 1f, 0.01f), 4);
    }

    [Fact]
    public void Values_outside_the_range_are_clamped()
    {
        Assert.Equal(0f, MinMaxNormalizer.Normalize(-10f, 0f, 1f, 0.01f));
        Assert.Equal(1f, MinMaxNormalizer.Normalize(10f, 0f, 1f, 0.01f));
        Assert.Equal(1f, MinMaxNormalizer.Normalize(1.5f, 1f, 1f, 0.01f));
    }
}
