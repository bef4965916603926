using System.Text.RegularExpressions;

namespace SpeedyZero.Deploy.Tests;

public sealed record CatalogueEntry(string Name, string Type, IReadOnlyList<string> Labels, string Roles, string Meaning);

/// <summary>The metric tables of docs/metrics.md, and the metric names a PromQL expression uses.</summary>
public static partial class MetricCatalogue
{
    private static readonly Lazy<IReadOnlyList<CatalogueEntry>> Parsed = new(() => Parse(Repo.Read("docs/metrics.md")));

    public static IReadOnlyList<CatalogueEntry> Entries => Parsed.Value;

    public static IReadOnlyList<CatalogueEntry> Parse(string markdown)
    {
        var entries = new List<CatalogueEntry>();
        foreach (var line in markdown.Split('\n'))
        {
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (!line.TrimStart().StartsWith('|') || cells.Length != 5 || !cells[0].StartsWith('`'))
            {
                continue;
            }
            var labels = BacktickedRegex().Matches(cells[2]).Select(m => m.Groups[1].Value).ToList();
            entries.Add(new CatalogueEntry(cells[0].Trim('`'), cells[1], labels, cells[3], cells[4]));
        }
        return entries;
    }

    /// <summary>Catalogue name for a series name: histogram series map to their histogram.</summary>
    public static string? Resolve(string seriesName)
    {
        var byName = Entries.ToDictionary(e => e.Name);
        if (byName.ContainsKey(seriesName))
        {
            return seriesName;
        }
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (seriesName.EndsWith(suffix, StringComparison.Ordinal)
                && byName.TryGetValue(seriesName[..^suffix.Length], out var h) && h.Type == "histogram")
            {
                return h.Name;
            }
        }
        return null;
    }

    private static readonly HashSet<string> Keywords =
    [
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan",
    ];

    /// <summary>Metric names referenced by a PromQL expression: identifiers that are not functions,
    /// keywords, label names (inside braces or grouping clauses), strings or durations.</summary>
    public static IReadOnlyList<string> MetricNamesIn(string expr)
    {
        var s = StringRegex().Replace(expr, " ");
        s = BracesRegex().Replace(s, " ");
        s = RangeRegex().Replace(s, " ");
        s = GroupingRegex().Replace(s, " ");
        return IdentifierRegex().Matches(s)
            .Select(m => m.Value)
            .Where(id => !Keywords.Contains(id))
            .Distinct()
            .ToList();
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex BacktickedRegex();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex StringRegex();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex BracesRegex();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeRegex();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex GroupingRegex();

    // Not preceded by a word character, '.' or '$' (numbers like 1e3, Grafana variables);
    // not followed by '(' (function calls).
    [GeneratedRegex(@"(?<![\w.$:])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\w:])(?!\s*\()")]
    private static partial Regex IdentifierRegex();
}
