using System.Text.Json;
using Spectre.Console;

namespace SpeedyZero.Bench;

/// <summary>Figures of one suite run: printed as a table and written as JSON for comparison between runs.</summary>
public sealed class BenchReport(string suite, string command)
{
    private readonly List<BenchFigure> figures = [];

    public string Suite { get; } = suite;

    public string Command { get; } = command;

    public MachineFacts Machine { get; } = MachineFacts.Current();

    public IReadOnlyList<BenchFigure> Figures => figures;

    public void Add(string name, double value, string unit, string? note = null)
    {
        figures.Add(new BenchFigure(name, value, unit, note));
        AnsiConsole.MarkupLineInterpolated($"  [grey]{Suite}[/] {name}: [bold]{value:G4}[/] {unit}");
    }

    public void PrintTable()
    {
        var table = new Table().Title($"bench: {Suite}").AddColumns("figure", "value", "unit", "note");
        table.Columns[1].RightAligned();
        foreach (var f in figures)
        {
            table.AddRow(Markup.Escape(f.Name), f.Value.ToString("G4"), Markup.Escape(f.Unit), Markup.Escape(f.Note ?? ""));
        }

        AnsiConsole.Write(table);
    }

    /// <summary>Writes <c>{directory}/{suite}.json</c> and returns its path.</summary>
    public string WriteJson(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{Suite}.json");
        var json = JsonSerializer.Serialize(
            new { suite = Suite, command = Command, machine = Machine, figures },
            new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        File.WriteAllText(path, json);
        return path;
    }
}
