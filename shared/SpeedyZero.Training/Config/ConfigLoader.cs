using SpeedyZero.Core.Environments;
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

    /// <summary>The preset file the five MinAtar games share; the game's name sets env.name.</summary>
    private const string MinAtarPreset = "minatar";

    /// <summary>Presets shipped with the trainer: the preset files and the MinAtar games.</summary>
    public static IReadOnlyList<string> Presets { get; } = typeof(ConfigLoader).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^".yaml".Length])
        .Where(n => n != MinAtarPreset)
        .Concat(EnvironmentRegistry.MinAtarNames)
        .Order(StringComparer.Ordinal)
        .ToList();

    public static TrainingConfig Load(string? preset, string? file, IReadOnlyDictionary<string, string> environment, IEnumerable<string> overrides)
    {
        var layers = new LayeredYaml();
        if (preset is not null) AddPreset(layers, preset);
        if (file is not null) layers.AddFile(file);
        layers.AddEnvironment(environment);
        foreach (var assignment in overrides) layers.AddOverride(assignment);
        var config = layers.Build<TrainingConfig>(TrainingConfig.ReplacedKeys).Validate();
        return config with { Engine = config.Engine.WithPrecisionResolved() };
    }

    /// <summary>A preset's layers; names may use '-' for '_'.</summary>
    private static void AddPreset(LayeredYaml layers, string preset)
    {
        var name = preset.Replace('-', '_');
        if (!Presets.Contains(name)) throw new ConfigException($"unknown preset '{preset}'; known: {string.Join(", ", Presets)}");
        var source = $"preset {preset}";
        if (!EnvironmentRegistry.MinAtarNames.Contains(name))
        {
            layers.AddYaml(ResourceText(name), source);
            return;
        }
        layers.AddYaml(ResourceText(MinAtarPreset), source);
        layers.AddYaml($"env:\n  name: {name}\n", source);
    }

    private static string ResourceText(string name)
    {
        using var stream = typeof(ConfigLoader).Assembly.GetManifestResourceStream($"{ResourcePrefix}{name}.yaml")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// A service host's configuration: the file's own <c>preset</c> key (or SPEEDYZERO__PRESET)
    /// goes underneath the file; the service sections are validated too.
    /// </summary>
    public static TrainingConfig LoadService(string? file, IReadOnlyDictionary<string, string> environment, IEnumerable<string> overrides)
    {
        var overrideList = overrides.ToList();
        var probe = new LayeredYaml();
        if (file is not null) probe.AddFile(file);
        probe.AddEnvironment(environment);
        foreach (var assignment in overrideList) probe.AddOverride(assignment);
        var preset = probe.Build<TrainingConfig>(TrainingConfig.ReplacedKeys).Preset;
        return Load(preset, file, environment, overrideList).ValidateService();
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
