using SpeedyZero.Training.Config;

namespace SpeedyZero.Training.Tests.Config;

public class LayeredYamlTests
{
    public sealed class Sample
    {
        public Section Learner { get; set; } = new();
        public Section Actor { get; set; } = new();
    }

    public sealed class Section
    {
        public int BatchSize { get; set; }
        public double LearningRate { get; set; }
        public string Name { get; set; } = "";
        public List<int> Sizes { get; set; } = [];
    }

    private const string Preset = """
        learner:
          batch_size: 64
          learning_rate: 0.003
          name: preset
        actor:
          batch_size: 8
        """;

    [Fact]
    public void Later_layers_win_key_by_key()
    {
        var config = new LayeredYaml()
            .AddYaml(Preset, "preset")
            .AddYaml("learner:\n  batch_size: 128\n", "file")
            .AddEnvironment(new Dictionary<string, string> { ["SPEEDYZERO__LEARNER__NAME"] = "from-env", ["OTHER"] = "x" })
            .AddOverride("learner.learning_rate=0.01")
            .AddOverride("actor.sizes=[1, 2, 3]")
            .Build<Sample>();

        Assert.Equal(128, config.Learner.BatchSize);
        Assert.Equal(0.01, config.Learner.LearningRate);
        Assert.Equal("from-env", config.Learner.Name);
        Assert.Equal(8, config.Actor.BatchSize);
        Assert.Equal([1, 2, 3], config.Actor.Sizes);
    }

    [Fact]
    public void Unknown_key_is_named_with_its_section()
    {
        var layers = new LayeredYaml().AddYaml(Preset, "preset").AddOverride("learner.batch_sise=3");

        var error = Assert.Throws<ConfigException>(() => layers.Build<Sample>());

        Assert.Contains("'learner.batch_sise'", error.Message);
        Assert.Contains("unknown key", error.Message);
    }

    [Fact]
    public void Wrong_type_is_named()
    {
        var layers = new LayeredYaml().AddYaml(Preset, "preset").AddOverride("actor.batch_size=many");

        var error = Assert.Throws<ConfigException>(() => layers.Build<Sample>());

        Assert.Contains("actor.batch_size", error.Message);
    }

    [Theory]
    [InlineData("no-equals-sign")]
    [InlineData("=5")]
    [InlineData("a..b=1")]
    public void Malformed_override_is_rejected(string assignment) =>
        Assert.Throws<ConfigException>(() => new LayeredYaml().AddOverride(assignment));

    [Fact]
    public void Effective_yaml_round_trips()
    {
        var layers = new LayeredYaml().AddYaml(Preset, "preset").AddOverride("learner.batch_size=32");

        var again = new LayeredYaml().AddYaml(layers.ToYaml(), "saved").Build<Sample>();

        Assert.Equal(32, again.Learner.BatchSize);
        Assert.Equal("preset", again.Learner.Name);
    }
}
