using System.Runtime.InteropServices;

namespace SpeedyZero.Engine;

/// <summary>
/// Points OpenBLAS (libtorch's BLAS here: ATen's gemms in inference below 64 rows; training's run oneDNN's)
/// at the kernels this CPU runs, once, from <see cref="EngineRuntime.EnsureLoaded"/>, before the
/// library loads. OpenBLAS picks its kernels from a table of CPU models when it loads; Debian 12's
/// 0.3.21 does not know newer Intel models (the Xeon of family 6 model 207 this project builds on)
/// and falls back to its Prescott kernels, SSE3 four floats wide on a CPU with AVX-512
/// (docs/engine-runtime.md has the measurements). On Intel CPUs the engine names the kernels from
/// the instruction sets the CPU reports, as OpenBLAS does for the models it knows; AMD CPUs and
/// others are left to OpenBLAS's own choice. Where OPENBLAS_CORETYPE is set it wins.
/// </summary>
public static partial class NativeBlas
{
    private const string Variable = "OPENBLAS_CORETYPE";

    private static int applied;

    /// <summary>The kernels this process asked OpenBLAS for; null where the environment or OpenBLAS chose.</summary>
    public static string? CoreTypeSet { get; private set; }

    /// <summary>
    /// OpenBLAS's kernels for a CPU described by /proc/cpuinfo's text: SkylakeX (AVX-512 F, BW, DQ, VL)
    /// or Haswell (AVX2 and FMA) on Intel, null elsewhere (OpenBLAS's own choice stands).
    /// </summary>
    public static string? CoreTypeFor(string cpuinfo)
    {
        string? vendor = null;
        HashSet<string>? flags = null;
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (key == "vendor_id")
            {
                vendor ??= value;
            }
            else if (key == "flags")
            {
                flags ??= [.. value.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            }
        }

        if (vendor != "GenuineIntel" || flags is null)
        {
            return null;
        }

        if (flags.IsSupersetOf(["avx512f", "avx512bw", "avx512dq", "avx512vl"]))
        {
            return "SkylakeX";
        }

        return flags.IsSupersetOf(["avx2", "fma"]) ? "Haswell" : null;
    }

    /// <summary>Sets OPENBLAS_CORETYPE for this process and its children unless the environment does.</summary>
    internal static void Apply()
    {
        if (Interlocked.Exchange(ref applied, 1) == 1 || !OperatingSystem.IsLinux()
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            return;
        }

        var coreType = CoreTypeFor(File.ReadAllText("/proc/cpuinfo"));
        if (coreType is null)
        {
            return;
        }

        // OpenBLAS reads the C environment when it loads; .NET keeps its own copy for child processes.
        // Called before the engine loads, so no native thread reads the environment meanwhile.
        if (Setenv(Variable, coreType, 1) != 0)
        {
            throw new EngineException($"setenv({Variable}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        Environment.SetEnvironmentVariable(Variable, coreType);
        CoreTypeSet = coreType;
    }

    /// <summary>The kernels OpenBLAS runs in this process (its core name); null when libtorch's BLAS is not OpenBLAS or not loaded.</summary>
    public static unsafe string? CoreName
    {
        get
        {
            EngineRuntime.EnsureLoaded();
            if (!NativeLibrary.TryLoad("libblas.so.3", out var blas))
            {
                return null;
            }

            try
            {
                if (!NativeLibrary.TryGetExport(blas, "openblas_get_corename", out var function))
                {
                    return null;
                }

                return Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)function)());
            }
            finally
            {
                NativeLibrary.Free(blas);
            }
        }
    }

    /// <summary>One line for logs and run panels: the BLAS kernels and who chose them.</summary>
    public static string Describe() => (CoreName, CoreTypeSet) switch
    {
        (null, _) => "libblas.so.3 is not OpenBLAS (on Debian: install libopenblas0-pthread)",
        (var name, null) => $"OpenBLAS {name}",
        (var name, _) => $"OpenBLAS {name}, set from the CPU's instruction sets",
    };

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Setenv(string name, string value, int overwrite);
}
