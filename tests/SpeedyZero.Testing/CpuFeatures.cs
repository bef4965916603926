namespace SpeedyZero.Testing;

/// <summary>The kernel's reading of this CPU, independent of oneDNN's (which the engine asks).</summary>
public static class CpuFeatures
{
    /// <summary>True when the CPU has bfloat16 arithmetic (AVX512_BF16 or AMX).</summary>
    public static bool HasBFloat16() =>
        File.ReadLines("/proc/cpuinfo").Any(line => line.StartsWith("flags", StringComparison.Ordinal) &&
            line.Split(' ').Any(flag => flag is "avx512_bf16" or "amx_bf16"));
}
