using System.Text.RegularExpressions;

namespace SpeedyZero.Cluster.Tests;

/// <summary>docs/metrics.md's tables: which metric names each role must expose.</summary>
public static partial class MetricCatalogue
{
    public static IReadOnlyList<(string Name, string Type)> ForRole(string role)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "speedyzero-k8s.sln"))) directory = directory.Parent;
        var lines = File.ReadAllLines(Path.Combine(directory!.FullName, "docs/metrics.md"));
        var result = new List<(string, string)>();
        foreach (var line in lines)
        {
            var match = Row().Match(line);
            if (!match.Success) continue;
            var roles = match.Groups["roles"].Value.Split(',', StringSplitOptions.TrimEntries);
            var applies = roles.Contains("all") || roles.Contains(role)
                || (role == "priority-refresh" && roles.Contains("reanalyzer") && !roles.Contains("priority-refresh") && !line.Contains("`priority-refresh`", StringComparison.Ordinal));
            if (applies) result.Add((match.Groups["name"].Value, match.Groups["type"].Value));
        }

        return result;
    }

    /// <summary>Names of <paramref name="role"/>'s catalogue that <paramref name="exposed"/> (a scrape) lacks.</summary>
    public static IReadOnlyList<string> Missing(string role, IReadOnlyDictionary<string, double> exposed) =>
        ForRole(role).Where(m =>
        {
            var name = m.Type == "histogram" ? m.Name + "_count" : m.Name;
            return !exposed.Keys.Any(k => k == name || k.StartsWith(name + "{", StringComparison.Ordinal));
        }).Select(m => m.Name).ToList();

    [GeneratedRegex(@"^\| `(?<name>[a-z_]+)` \| (?<type>counter|gauge|histogram) \|[^|]*\| (?<roles>[a-z, -]+) \|")]
    private static partial Regex Row();
}
