using System.Diagnostics;
using System.Text.Json;

namespace SpeedyZero.Training.Run;

/// <summary>
/// Appends one JSON object per line: <c>{"time_s":..,"kind":"learner","learner_steps":..,...}</c>.
/// Each line is flushed when written, so a crash loses at most the line being written.
/// Thread-safe: roles on different threads share one log.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly Lock gate = new();
    private readonly FileStream file;
    private readonly Utf8JsonWriter writer;
    private readonly Stopwatch clock;

    public MetricsLog(string path, TimeSpan elapsedBefore = default)
    {
        file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        writer = new Utf8JsonWriter(file);
        clock = Stopwatch.StartNew();
        ElapsedBefore = elapsedBefore;
    }

    /// <summary>Wall-clock time of earlier segments of a resumed run.</summary>
    public TimeSpan ElapsedBefore { get; }

    public TimeSpan Elapsed => ElapsedBefore + clock.Elapsed;

    public void Write(string kind, IEnumerable<KeyValuePair<string, double>> values)
    {
        lock (gate)
        {
            writer.Reset(file);
            writer.WriteStartObject();
            writer.WriteNumber("time_s", Math.Round(Elapsed.TotalSeconds, 3));
            writer.WriteString("kind", kind);
            foreach (var (name, value) in values)
            {
                if (double.IsFinite(value))
                {
                    writer.WriteNumber(name, value);
                }
                else
                {
                    writer.WriteString(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            writer.WriteEndObject();
            writer.Flush();
            file.WriteByte((byte)'\n');
            file.Flush();
        }
    }

    /// <summary>
    /// Reads the lines of a metrics file (for plots, summaries and resumed runs), without those a resume superseded.
    /// </summary>
    public static IReadOnlyList<MetricsRecord> Read(string path)
    {
        var records = new List<MetricsRecord>();
        if (!File.Exists(path))
        {
            return records;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                var values = new Dictionary<string, double>();
                string kind = "";
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name == "kind")
                    {
                        kind = property.Value.GetString() ?? "";
                    }
                    else if (property.Value.ValueKind == JsonValueKind.Number)
                    {
                        values[property.Name] = property.Value.GetDouble();
                    }
                }

                // A resumed run's clock restarts at its checkpoint's time: what the process that
                // stopped wrote after that checkpoint belongs to steps that were done again, so it is dropped.
                var record = new MetricsRecord(kind, values);
                while (records.Count > 0 && record.Get("time_s") is { } time && records[^1].Get("time_s") > time)
                {
                    records.RemoveAt(records.Count - 1);
                }

                records.Add(record);
            }
            catch (JsonException)
            {
                // A torn last line after a crash: everything before it is still good.
            }
        }

        return records;
    }

    public void Dispose()
    {
        lock (gate)
        {
            writer.Dispose();
            file.Dispose();
        }
    }
}

/// <summary>One line of a metrics file.</summary>
public sealed record MetricsRecord(string Kind, IReadOnlyDictionary<string, double> Values)
{
    public double? Get(string name) => Values.TryGetValue(name, out var value) ? value : null;
}
