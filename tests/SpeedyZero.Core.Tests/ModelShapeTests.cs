using SpeedyZero.Core.Model;

namespace SpeedyZero.Core.Tests;

public class ModelShapeTests
{
    [Fact]
    public void ValidShapePasses() => Assert.NotNull(new ModelShape(4, 64, 64, 2).Validate());

    [Fact]
    public void NonPositiveSizeIsNamedInTheError()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ModelShape(4, 0, 64, 2).Validate());
        Assert.Equal("LatentSize", error.ParamName);
    }
}
