using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Segments;
using SpeedyZero.Core.Targets;

namespace SpeedyZero.Core.Tests.Replay;

public class PriorityOptionsTests
{
    [Fact]
    public void Defaults_are_the_efficient_zero_setting()
    {
        var p = PriorityOptions.Default.Validate();
        Assert.Equal(0.6, p.Alpha);
        Assert.Equal(0.4, p.Beta(0));
        Assert.Equal(0.7, p.Beta(0.5), 9);
        Assert.Equal(1.0, p.Beta(2));
        var s = SegmentOptions.Default.Validate();
        Assert.Equal(400, s.Length);
        Assert.Equal(10, s.Padding);
        var t = TargetOptions.Default.Validate();
        Assert.Equal(5, t.UnrollSteps);
        Assert.Equal(5, t.TdSteps);
        Assert.Equal(5, t.ValuePrefixHorizon);
        Assert.True(t.ClipRewards && t.DynamicHorizon);
        Assert.Equal(0.3, t.HorizonAgeFraction);
    }

    [Fact]
    public void Out_of_range_fields_are_named()
    {
        Assert.Equal("Capacity", Assert.Throws<ArgumentOutOfRangeException>(() => (PriorityOptions.Default with { Capacity = 0 }).Validate()).ParamName);
        Assert.Equal("TdSteps", Assert.Throws<ArgumentOutOfRangeException>(() => (TargetOptions.Default with { TdSteps = 0 }).Validate()).ParamName);
        Assert.Equal("Length", Assert.Throws<ArgumentOutOfRangeException>(() => (SegmentOptions.Default with { Length = 0 }).Validate()).ParamName);
    }
}
