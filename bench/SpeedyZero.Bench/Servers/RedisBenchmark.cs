using System.Diagnostics;
using System.Globalization;

namespace SpeedyZero.Bench.Servers;

/// <summary>
/// Redis' own C client as the reference: runs <c>redis-benchmark</c> (Debian package redis-tools, found on PATH)
/// against a server of this run and returns requests per second by test name.
/// </summary>
public static class RedisBenchmark
{
    /// <summary>
    /// <c>redis-benchmark -c clients -P pipeline -d valueBytes -n requests -t tests --csv</c>; throws when the
    /// binary is missing, fails, or prints no figure for a requested test.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, double>> RunAsync(
        int port, string tests, int valueBytes, int requests, int clients, int pipeline, CancellationToken cancellationToken)
    {
        var binary = Find() ?? throw new InvalidOperationException("redis-benchmark not found on PATH: install the Debian package 'redis-tools' (scripts/deps.sh)");
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     "-h", "127.0.0.1", "-p", Invariant(port), "-c", Invariant(clients), "-P", Invariant(pipeline),
                     "-d", Invariant(valueBytes), "-n", Invariant(requests), "-t", tests, "--csv",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-benchmark exited with {process.ExitCode}: {await errors}");
        }

        var rates = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in (await output).Split('\n'))
        {
            // "SET","123456.79","0.123",... : test name, then requests per second (the first line names the columns).
            var fields = line.Split(',');
            if (fields.Length >= 2 && double.TryParse(fields[1].Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var rps))
            {
                rates[fields[0].Trim('"')] = rps;
            }
        }

        foreach (var test in tests.Split(','))
        {
            if (!rates.ContainsKey(test))
            {
                throw new InvalidOperationException($"redis-benchmark printed no figure for {test}:\n{await output}");
            }
        }

        return rates;
    }

    private static string? Find() => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, "redis-benchmark"))
        .FirstOrDefault(File.Exists);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
