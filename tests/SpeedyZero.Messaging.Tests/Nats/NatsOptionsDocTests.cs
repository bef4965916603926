using System.Globalization;
using System.Reflection;
using SpeedyZero.Messaging.Nats;

namespace SpeedyZero.Messaging.Tests.Nats;

/// <summary>docs/nats.md's options table and <see cref="NatsOptions.Default"/> cannot drift apart.</summary>
public sealed class NatsOptionsDocTests
{
    [Fact]
    public void Documented_defaults_match_the_code_and_every_option_is_documented()
    {
        var documented = ReadTable();
        var properties = typeof(NatsOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => p.Name);

        Assert.Equal(properties.Keys.Order(), documented.Keys.Order());
        foreach (var (name, text) in documented)
        {
            var value = properties[name].GetValue(NatsOptions.Default);
            var actual = value switch
            {
                null => "null",
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            Assert.True(text == actual, $"docs/nats.md says {name} = {text}, code says {actual}");
        }
    }

    private static Dictionary<string, string> ReadTable()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "docs", "nats.md")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var lines = File.ReadAllLines(Path.Combine(directory!.FullName, "docs", "nats.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("## Options", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/nats.md has no '## Options' section");
        var rows = new Dictionary<string, string>();
        foreach (var line in lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            rows[cells[1].Trim('`')] = cells[2].Trim('`');
        }

        return rows;
    }
}
