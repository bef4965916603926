using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Tests.Environments;

public class EnvironmentRegistryTests
{
    [Fact]
    public void Every_name_creates_its_environment()
    {
        foreach (var name in EnvironmentRegistry.Names)
        {
            var env = EnvironmentRegistry.Create(name);
            Assert.Equal(name, env.Name);
            Assert.True(env.ObservationShape.Size > 0);
        }

        Assert.Equal("space_invaders", EnvironmentRegistry.Create("Space-Invaders").Name);
    }

    [Fact]
    public void Unknown_names_list_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => EnvironmentRegistry.Create("pong"));
        Assert.Contains("breakout", error.Message);
        Assert.False(EnvironmentRegistry.IsKnown("pong"));
    }

    [Fact]
    public void Default_options_are_the_documented_ones()
    {
        // docs/environments.md and the EnvironmentOptions summary promise these values.
        var d = EnvironmentOptions.Default;
        Assert.Equal(0.1, d.StickyActionProbability);
        Assert.False(d.MinimalActionSet);
        Assert.True(d.DifficultyRamping);
        Assert.Null(d.MaxEpisodeSteps);
        Assert.Equal(d, new EnvironmentOptions());
    }

    [Fact]
    public void Options_out_of_range_are_named()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            EnvironmentRegistry.Create("breakout", new EnvironmentOptions { StickyActionProbability = 1.5 }));
        Assert.Equal("StickyActionProbability", error.ParamName);
        error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            EnvironmentRegistry.Create("cartpole", new EnvironmentOptions { MaxEpisodeSteps = 0 }));
        Assert.Equal("MaxEpisodeSteps", error.ParamName);
    }

    [Fact]
    public void CartPole_shape_is_a_four_vector()
    {
        var env = EnvironmentRegistry.Create("cartpole");
        Assert.Equal(ObservationShape.Vector(4), env.ObservationShape);
        Assert.False(env.ObservationShape.IsGrid);
        Assert.Equal(2, env.ActionCount);
    }
}
