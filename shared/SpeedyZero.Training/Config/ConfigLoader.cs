using System.Reflection;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SpeedyZero.Training.Config;

/// <summary>
/// Builds a <see cref="TrainingConfig"/> from a preset (shipped inside the assembly), an optional
/// YAML file, <c>SPEEDYZERO__SECTION__KEY</c> environment variables and <c>--set</c> overrides,
/// in that order; validates it; and writes the effective configuration back as YAML.
/// </summary>
public static class ConfigLoader
{
    private const string ResourcePrefix = "presets/";

    /// <summary>Presets shipped with the trainer (file names without .yaml).</summary>
    public static IReadOnlyList<string> Presets { get; } = typeof(ConfigLoader).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^".yaml".Length])
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The YAML text of a preset; names may use '-' for '_'.</summary>
    public static string PresetYaml(string preset)
    {
        var name = preset.Replace('-', '_');
        using var stream = typeof(ConfigLoader).Assembly.GetManifestResourceStream($"{ResourcePrefix}{name}.yaml")
            ?? throw new ConfigException($"unknown preset '{preset}'; known: {string.Join(", ", Presets)}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static TrainingConfig Load(string? preset, string? file, IReadOnlyDictionary<string, string> environment, IEnumerable<string> overrides)
    {
        var layers = new LayeredYaml();
        if (preset is not null) layers.AddYaml(PresetYaml(preset), $"preset {preset}");
        if (file is not null) layers.AddFile(file);
        layers.AddEnvironment(environment);
        foreach (var assignment in overrides) layers.AddOverride(assignment);
        return layers.Build<TrainingConfig>().Validate();
    }

    /// <summary>
    /// A service host's configuration: the file's own <c>preset</c> key (or SPEEDYZERO__PRESET)
    /// goes underneath the file; the engine section overrides run.threads and model.device; the
    /// service sections are validated too.
    /// </summary>
    public static TrainingConfig LoadService(string? file, IReadOnlyDictionary<string, string> environment, IEnumerable<string> overrides)
    {
        var overrideList = overrides.ToList();
        var probe = new LayeredYaml();
        if (file is not null) probe.AddFile(file);
        probe.AddEnvironment(environment);
        foreach (var assignment in overrideList) probe.AddOverride(assignment);
        var preset = probe.Build<TrainingConfig>().Preset;
        var config = Load(preset, file, environment, overrideList).ValidateService();
        return config with
        {
            Run = config.Run with { Threads = config.Engine.Threads ?? config.Run.Threads },
            Model = config.Engine.Device is { } device
                ? config.Model with { Device = device == "cuda" ? Engine.EngineDevice.Cuda : Engine.EngineDevice.Cpu }
                : config.Model,
        };
    }

    /// <summary>The process's environment variables (the SPEEDYZERO__ ones are used).</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");

    /// <summary>Every field of <paramref name="config"/> as YAML, loadable again with <see cref="Load"/>.</summary>
    public static string ToYaml(TrainingConfig config) =>
        new SerializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.Preserve)
            .Build()
            .Serialize(config);
}
