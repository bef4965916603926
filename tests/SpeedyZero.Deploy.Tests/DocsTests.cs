using System.Text.RegularExpressions;

namespace SpeedyZero.Deploy.Tests;

/// <summary>The deployment docs' relative links and anchors resolve, so runbook links from alerts keep working.</summary>
public partial class DocsTests
{
    [GeneratedRegex(@"\]\(([^)#\s]+\.md)?(?:#([^)\s]+))?\)")]
    private static partial Regex LinkRegex();

    [Theory]
    [InlineData("docs/deployment.md")]
    [InlineData("docs/metrics.md")]
    [InlineData("docs/runbook.md")]
    [InlineData("README.md")]
    public void Relative_links_and_anchors_resolve(string doc)
    {
        var folder = Path.GetDirectoryName(Repo.PathOf(doc))!;
        var problems = new List<string>();
        foreach (Match m in LinkRegex().Matches(Repo.Read(doc)))
        {
            var file = m.Groups[1].Success ? Path.GetFullPath(Path.Combine(folder, m.Groups[1].Value)) : Repo.PathOf(doc);
            if (!m.Groups[1].Success && !m.Groups[2].Success)
            {
                continue;
            }
            if (!File.Exists(file))
            {
                problems.Add($"{m.Value}: {file} does not exist");
                continue;
            }
            if (m.Groups[2].Success && !Text.MarkdownAnchors(File.ReadAllText(file)).Contains(m.Groups[2].Value))
            {
                problems.Add($"{m.Value}: no heading with anchor '{m.Groups[2].Value}'");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
