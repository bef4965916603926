namespace SpeedyZero.Bench;

/// <summary>The machine a result was measured on, so results from different machines are not confused.</summary>
public sealed record MachineFacts(string CpuModel, int Cores, string Os, string Runtime, DateTimeOffset MeasuredAt)
{
    public static MachineFacts Current() => new(
        ReadCpuModel(), Environment.ProcessorCount,
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        DateTimeOffset.UtcNow);

    private static string ReadCpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo))
        {
            return "unknown";
        }

        var line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown" : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
