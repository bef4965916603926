using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SpeedyZero.Training.Config;

/// <summary>
/// Configuration built in layers, later layers winning: a preset, a YAML file, environment
/// variables (<c>SPEEDYZERO__SECTION__KEY=value</c>), then <c>--set section.key=value</c>.
/// Keys are snake_case; an unknown key anywhere is an error that names it.
/// </summary>
public sealed class LayeredYaml
{
    public const string EnvironmentPrefix = "SPEEDYZERO__";

    private readonly YamlMappingNode root = new();

    /// <summary>Merges a YAML document (a mapping) over what is there; <paramref name="source"/> names it in errors.</summary>
    public LayeredYaml AddYaml(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{source}: not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }

        if (stream.Documents.Count == 0)
        {
            return this;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            throw new ConfigException($"{source}: the top level must be a mapping of sections");
        }

        Merge(root, mapping);
        return this;
    }

    public LayeredYaml AddFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException($"config file '{path}' does not exist");
        }

        return AddYaml(File.ReadAllText(path), path);
    }

    /// <summary>Applies <c>SPEEDYZERO__A__B=value</c> variables as <c>a.b=value</c> (names lower-cased).</summary>
    public LayeredYaml AddEnvironment(IReadOnlyDictionary<string, string> variables)
    {
        foreach (var (name, value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && name.Length > EnvironmentPrefix.Length)
            {
                var path = name[EnvironmentPrefix.Length..].ToLowerInvariant().Replace("__", ".", StringComparison.Ordinal);
                Set(path, value, $"environment variable {name}");
            }
        }

        return this;
    }

    /// <summary>Applies one <c>dotted.path=value</c> override; the value is parsed as YAML (numbers, booleans, lists).</summary>
    public LayeredYaml AddOverride(string assignment)
    {
        var equals = assignment.IndexOf('=');
        if (equals <= 0)
        {
            throw new ConfigException($"--set '{assignment}': expected key=value, e.g. --set learner.batch_size=128");
        }

        return Set(assignment[..equals].Trim(), assignment[(equals + 1)..], $"--set {assignment}");
    }

    /// <summary>
    /// Deserialises the merged tree; unknown keys and wrong types are errors naming the key, and a
    /// key of <paramref name="replacedKeys"/> (dotted path to its replacement) is an error naming both.
    /// </summary>
    public T Build<T>(IReadOnlyDictionary<string, string>? replacedKeys = null)
    {
        foreach (var (old, replacement) in replacedKeys ?? new Dictionary<string, string>())
        {
            if (Has(old))
            {
                throw new ConfigException($"'{old}' was replaced by '{replacement}': set that key instead");
            }
        }

        var yaml = ToYaml();
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .Build();
        try
        {
            return deserializer.Deserialize<T>(yaml) ?? throw new ConfigException("the configuration is empty");
        }
        catch (YamlException e)
        {
            throw new ConfigException($"configuration: {Describe(e, yaml)}", e);
        }
    }

    /// <summary>The merged tree as YAML (what the run saves as its effective configuration).</summary>
    public string ToYaml()
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private bool Has(string path)
    {
        YamlNode node = root;
        foreach (var key in path.Split('.'))
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return false;
            }

            node = child;
        }

        return true;
    }

    private LayeredYaml Set(string path, string value, string source)
    {
        var keys = path.Split('.');
        if (keys.Any(string.IsNullOrWhiteSpace))
        {
            throw new ConfigException($"{source}: '{path}' is not a valid key path");
        }

        var node = root;
        foreach (var key in keys[..^1])
        {
            if (!node.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                child = new YamlMappingNode();
                node.Children[new YamlScalarNode(key)] = child;
            }

            node = child as YamlMappingNode ?? throw new ConfigException($"{source}: '{key}' is a value, not a section");
        }

        var parsed = new LayeredYaml().AddYaml($"v: {value}", source).root.Children[new YamlScalarNode("v")];
        node.Children[new YamlScalarNode(keys[^1])] = parsed;
        return this;
    }

    private static void Merge(YamlMappingNode target, YamlMappingNode source)
    {
        foreach (var (key, value) in source.Children)
        {
            if (value is YamlMappingNode sourceMapping && target.Children.TryGetValue(key, out var existing) && existing is YamlMappingNode targetMapping)
            {
                Merge(targetMapping, sourceMapping);
            }
            else
            {
                target.Children[key] = value;
            }
        }
    }

    // YamlDotNet reports an unknown property by line; turn that into the key's dotted path.
    private static string Describe(YamlException e, string yaml)
    {
        var lines = yaml.Split('\n');
        var line = (int)e.Start.Line - 1;
        if (line < 0 || line >= lines.Length)
        {
            return e.InnerException?.Message ?? e.Message;
        }

        var path = new List<string>();
        var indent = int.MaxValue;
        for (var i = line; i >= 0; i--)
        {
            var text = lines[i];
            var trimmed = text.TrimStart();
            var currentIndent = text.Length - trimmed.Length;
            if (trimmed.Length == 0 || currentIndent >= indent || !trimmed.Contains(':'))
            {
                continue;
            }

            path.Insert(0, trimmed[..trimmed.IndexOf(':')].Trim());
            indent = currentIndent;
            if (indent == 0)
            {
                break;
            }
        }

        var reason = (e.InnerException?.Message ?? e.Message).Contains("not found on type", StringComparison.Ordinal)
            ? "unknown key"
            : e.InnerException?.Message ?? e.Message;
        return $"'{string.Join('.', path)}': {reason}";
    }
}
