using SpeedyZero.Training.Plotting;

namespace SpeedyZero.Training.Tests.Plotting;

public class AxisTicksTests
{
    [Theory]
    [InlineData(0, 480, 0, 500)]
    [InlineData(3, 97, 0, 100)]
    [InlineData(-1.3, 2.2, -1.5, 2.5)]
    public void RangeWidensToRoundNumbersThatContainTheData(double min, double max, double expectedMin, double expectedMax)
    {
        var (low, high, ticks) = AxisTicks.Nice(min, max);

        Assert.Equal(expectedMin, low, 9);
        Assert.Equal(expectedMax, high, 9);
        Assert.InRange(ticks.Length, 3, 12);
        Assert.Equal(low, ticks[0], 9);
        Assert.Equal(high, ticks[^1], 9);
    }

    [Fact]
    public void FlatDataStillGetsARange()
    {
        var (low, high, _) = AxisTicks.Nice(5, 5);
        Assert.True(low < 5 && high > 5);
    }

    [Theory]
    [InlineData(1500, "1.5K")]
    [InlineData(20000, "20K")]
    [InlineData(1000000, "1M")]
    [InlineData(0.25, "0.25")]
    [InlineData(0, "0")]
    public void LabelsAreCompact(double value, string expected) => Assert.Equal(expected, AxisTicks.Label(value));
}
