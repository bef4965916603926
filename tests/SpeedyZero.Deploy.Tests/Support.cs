using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace SpeedyZero.Deploy.Tests;

/// <summary>The repository root, found by walking up from the test assembly to the solution file.</summary>
public static class Repo
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "speedyzero-k8s.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"speedyzero-k8s.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));
}

public sealed record ToolResult(int ExitCode, string StdOut, string StdErr)
{
    public string Output => StdOut + StdErr;
}

/// <summary>Runs the external tools the checks need. A missing tool fails the test, never skips it.</summary>
public static class Tool
{
    private static readonly string[] SearchDirs = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin", "/sbin"];

    public static string Require(string name, string installHint)
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(SearchDirs)
            .Select(d => Path.Combine(d, name));
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            Assert.Fail($"'{name}' is required by the deployment tests and was not found on PATH or in {string.Join(", ", SearchDirs)}. {installHint}");
        }
        return found!;
    }

    public static ToolResult Run(string file, IEnumerable<string> args, string? workingDirectory = null,
        IDictionary<string, string?>? environment = null, int timeoutSeconds = 60)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repo.Root,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                if (v is null)
                {
                    psi.Environment.Remove(k);
                }
                else
                {
                    psi.Environment[k] = v;
                }
            }
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', psi.ArgumentList)} did not finish within {timeoutSeconds} s");
        }
        process.WaitForExit();
        return new ToolResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>Untyped YAML (maps, lists, string scalars) with small navigation helpers.</summary>
public static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static List<object?> LoadAll(string text)
    {
        var docs = new List<object?>();
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var doc = Deserializer.Deserialize<object?>(parser);
            if (doc is not null)
            {
                docs.Add(doc);
            }
        }
        return docs;
    }

    public static object? Load(string text) => LoadAll(text).SingleOrDefault();

    public static object? At(this object? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is IDictionary<object, object?> map && map.TryGetValue(key, out var value))
            {
                node = value;
            }
            else
            {
                return null;
            }
        }
        return node;
    }

    public static IDictionary<object, object?> Map(this object? node) =>
        node as IDictionary<object, object?> ?? new Dictionary<object, object?>();

    public static IReadOnlyList<object?> Items(this object? node) =>
        node as IList<object?> is { } list ? list.ToList() : [];

    public static string? Str(this object? node) => node as string;

    public static Dictionary<string, string> StringMap(this object? node) =>
        node.Map().ToDictionary(kv => (string)kv.Key, kv => kv.Value?.ToString() ?? "");

    /// <summary>Structural equality of two untyped YAML trees (scalars compared as strings).</summary>
    public static bool DeepEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (IDictionary<object, object?> x, IDictionary<object, object?> y) =>
            x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out var v) && DeepEquals(kv.Value, v)),
        (IList<object?> x, IList<object?> y) => x.Count == y.Count && x.Zip(y).All(p => DeepEquals(p.First, p.Second)),
        _ => a is not null && b is not null && a.ToString() == b.ToString(),
    };
}

/// <summary>One Kubernetes object of a rendered kustomization.</summary>
public sealed record K8sObject(object Node)
{
    public string Kind => Node.At("kind").Str() ?? "";
    public string Name => Node.At("metadata", "name").Str() ?? "";
    public string? Namespace => Node.At("metadata", "namespace").Str();
    public Dictionary<string, string> Labels => Node.At("metadata", "labels").StringMap();
    public string Id => $"{Kind}/{Name}";
    public bool IsWorkload => Kind is "Deployment" or "StatefulSet" or "DaemonSet";
    public object? PodSpec => IsWorkload ? Node.At("spec", "template", "spec") : null;
    public Dictionary<string, string> TemplateLabels => Node.At("spec", "template", "metadata", "labels").StringMap();

    public IEnumerable<(string Kind, object Container)> Containers()
    {
        foreach (var kind in new[] { "initContainers", "containers" })
        {
            foreach (var c in PodSpec.At(kind).Items())
            {
                if (c is not null)
                {
                    yield return (kind, c);
                }
            }
        }
    }
}

/// <summary>`kubectl kustomize` output, rendered once per path and test run.</summary>
public static class Kustomize
{
    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<K8sObject>>> Cache = new();

    public static IReadOnlyList<K8sObject> Render(string relativePath) =>
        Cache.GetOrAdd(relativePath, p => new Lazy<IReadOnlyList<K8sObject>>(() => DoRender(p))).Value;

    public static string RenderText(string relativePath)
    {
        var kubectl = Tool.Require("kubectl",
            "Install kubectl (it embeds kustomize), e.g. the Kubernetes apt repository's 'kubectl' package; the manifests cannot be checked without it.");
        var result = Tool.Run(kubectl, ["kustomize", Repo.PathOf(relativePath)]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {relativePath} failed ({result.ExitCode}):\n{result.StdErr}");
        return result.StdOut;
    }

    private static IReadOnlyList<K8sObject> DoRender(string relativePath)
    {
        var objects = Yaml.LoadAll(RenderText(relativePath)).Where(d => d is not null).Select(d => new K8sObject(d!)).ToList();
        Assert.NotEmpty(objects);
        return objects;
    }
}

/// <summary>Labels selection as Kubernetes does it (matchLabels only; the manifests use no expressions in workload selectors).</summary>
public static class Selectors
{
    public static bool Matches(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}

public static class Text
{
    /// <summary>GitHub's heading anchor: lower case, spaces to '-', punctuation other than '-' and '_' dropped.</summary>
    public static string Slug(string heading)
    {
        var sb = new StringBuilder();
        foreach (var ch in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(ch) || ch is '-' or '_')
            {
                sb.Append(ch);
            }
            else if (ch == ' ')
            {
                sb.Append('-');
            }
        }
        return sb.ToString();
    }

    public static HashSet<string> MarkdownAnchors(string markdown) =>
        markdown.Split('\n')
            .Where(l => l.StartsWith('#'))
            .Select(l => Slug(l.TrimStart('#')))
            .ToHashSet();
}
