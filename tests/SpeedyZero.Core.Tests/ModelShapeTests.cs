using SpeedyZero.Core.Model;

namespace SpeedyZero.Core.Tests;

public class ModelShapeTests
{
    [Fact]
    public void Valid_shape_passes() => Assert.NotNull(new ModelShape(4, 64, 64, 2).Validate());

    [Fact]
    public void Non_positive_size_is_named_in_the_error()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ModelShape(4, 0, 64, 2).Validate());
        Assert.Equal("LatentSize", error.ParamName);
    }
}
