using SpeedyZero.Engine;
using SpeedyZero.Training.Config;
using SpeedyZero.Testing;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Training.Tests.Config;

public class PresetTests
{
    [Fact]
    public void Presets_include_CartPole_and_every_MinAtar_game() =>
        Assert.Superset(new HashSet<string> { "cartpole", "breakout", "asterix", "freeway", "seaquest", "space_invaders", "catch" },
            ConfigLoader.Presets.ToHashSet());

    [Theory]
    [MemberData(nameof(AllPresets))]
    public void Every_preset_loads_validates_and_round_trips(string preset)
    {
        var config = ConfigLoader.Load(preset, null, new Dictionary<string, string>(), []);
        var setup = new TrainingSetup(config);

        var again = new LayeredYaml().AddYaml(ConfigLoader.ToYaml(config), "saved").Build<TrainingConfig>();

        Assert.Equal(ConfigLoader.ToYaml(config), ConfigLoader.ToYaml(again));
        Assert.Equal(setup.ActionCount, setup.ModelSpec.ActionCount);
    }

    [Fact]
    public void Unknown_preset_lists_the_known_ones()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load("pong", null, new Dictionary<string, string>(), []));
        Assert.Contains("cartpole", error.Message);
    }

    [Theory]
    [InlineData("asterix")]
    [InlineData("freeway")]
    [InlineData("seaquest")]
    [InlineData("space-invaders")]
    public void MinAtar_presets_share_one_configuration_and_name_their_game(string game)
    {
        var none = new Dictionary<string, string>();
        var config = ConfigLoader.Load(game, null, none, []);
        var breakout = ConfigLoader.Load("breakout", null, none, []);

        Assert.Equal(game.Replace('-', '_'), config.Env.Name);
        Assert.Equal("breakout", breakout.Env.Name);
        Assert.Equal(ConfigLoader.ToYaml(breakout), ConfigLoader.ToYaml(config with { Env = config.Env with { Name = "breakout" } }));
    }

    [Fact]
    public void The_shared_MinAtar_file_is_not_a_preset_of_its_own() =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Load("minatar", null, new Dictionary<string, string>(), []));

    [Theory]
    [InlineData("learner.batch_size=1", "learner.batch_size")]
    [InlineData("env.name=pong", "env.name")]
    [InlineData("optimizer.kind=rmsprop", "optimizer.kind")]
    [InlineData("search.temperature_steps=[0.5]", "search.temperature_steps")]
    [InlineData("replay.warmup_transitions=10", "replay.warmup_transitions")]
    [InlineData("model.grad_clip=-1", "model.grad_clip")]
    [InlineData("model.channels=0", "model.channels")]
    [InlineData("optimizer.learning_rate=0", "optimizer.learning_rate")]
    [InlineData("engine.threads=0", "engine.threads")]
    [InlineData("engine.device=tpu", "engine.device")]
    [InlineData("model.augment=true", "model.augment")]
    [InlineData("run.threads=2", "'run.threads' was replaced by 'engine.threads'")]
    [InlineData("model.device=cuda", "'model.device' was replaced by 'engine.device'")]
    public void Bad_values_are_named(string assignment, string field)
    {
        var error = Assert.Throws<ConfigException>(() => new TrainingSetup(ConfigLoader.Load("cartpole", null, new Dictionary<string, string>(), [assignment])));
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void Zero_grad_clip_means_no_clipping_and_reaches_the_engine()
    {
        var setup = new TrainingSetup(ConfigLoader.Load("catch", null, new Dictionary<string, string>(), ["model.grad_clip=0", "engine.threads=3"]));

        Assert.Equal(0, setup.ModelSpec.Model.GradClip);
        Assert.Contains("grad_clip=0\n", setup.ModelSpec.ToNativeText());
        Assert.Equal(3, setup.Config.Engine.Threads);
    }

    [Theory]
    [InlineData("engine.device=cpu", true)]
    [InlineData("engine.device=cuda", false)]
    public void Precision_auto_is_resolved_to_what_this_machine_runs_and_saved_resolved(string device, bool cpu)
    {
        var config = ConfigLoader.Load("catch", null, new Dictionary<string, string>(), ["engine.precision=auto", device]);

        var expected = cpu && EngineRuntime.BFloat16ConvSpeedup >= EngineSection.AutoBFloat16Speedup ? EnginePrecision.BFloat16 : EnginePrecision.Float32;
        Assert.Equal(expected, config.Engine.Precision);
        Assert.Contains($"precision: {expected}", ConfigLoader.ToYaml(config));
        Assert.Equal(EnginePrecision.Float32, ConfigLoader.Load("catch", null, new Dictionary<string, string>(), []).Engine.Precision);
    }

    [Fact]
    public void The_MinAtar_preset_resolves_its_precision_as_auto_does()
    {
        var config = ConfigLoader.Load("breakout", null, new Dictionary<string, string>(), []);
        Assert.NotEqual(EnginePrecision.Auto, config.Engine.Precision);
        Assert.Equal(ConfigLoader.ToYaml(config), ConfigLoader.ToYaml(ConfigLoader.Load("breakout", null, new Dictionary<string, string>(), ["engine.precision=auto"])));
    }

    public static TheoryData<string> AllPresets()
    {
        var data = new TheoryData<string>();
        foreach (var preset in ConfigLoader.Presets) data.Add(preset);
        return data;
    }
}
