using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SpeedyZero.Cluster.Tests;

/// <summary>One 'speedyzero ROLE' process started from the command built next to the tests, its output kept, its /metrics readable.</summary>
public sealed class RoleProcess : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Process process;
    private readonly StringBuilder output = new();

    public RoleProcess(string name, string[] arguments, IReadOnlyDictionary<string, string> environment, int metricsPort)
    {
        Name = name;
        MetricsPort = metricsPort;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "speedyzero.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["SPEEDYZERO__METRICS__PORT"] = metricsPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["SPEEDYZERO__NODE__ID"] = name;
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {name}");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The role's arguments (without the config), to start it again.</summary>
    public string[] Arguments { get; init; } = [];
    public int MetricsPort { get; }
    public int Pid => process.Id;
    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;

    /// <summary>The last metrics read while it ran (kept after it exits).</summary>
    public IReadOnlyDictionary<string, double> LastMetrics { get; private set; } = new Dictionary<string, double>();

    public string Output
    {
        get
        {
            lock (output) return output.ToString();
        }
    }

    /// <summary>Reads /metrics; series keyed as printed (name{labels}); null when it does not answer.</summary>
    public async Task<IReadOnlyDictionary<string, double>?> ScrapeAsync()
    {
        try
        {
            var text = await Http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics");
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#') continue;
                var space = line.LastIndexOf(' ');
                if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) values[line[..space]] = v;
            }

            LastMetrics = values;
            return values;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public double Metric(string series) => LastMetrics.TryGetValue(series, out var v) ? v : double.NaN;

    public void KillHard() => process.Kill(entireProcessTree: true);

    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds} s; output:\n{Tail()}");
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    public string Tail(int lines = 30) => string.Join('\n', Output.Split('\n').TakeLast(lines));

    private void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
        }

        process.Dispose();
    }
}
