using SpeedyZero.Engine;

namespace SpeedyZero.Engine.Tests;

/// <summary>OpenBLAS runs the kernels of the CPU it is on, not its SSE3 fallback for models it does not know.</summary>
public class NativeBlasTests
{
    private const string IntelAvx512 =
        "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 207\n" +
        "flags\t\t: fpu sse sse2 ssse3 fma avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16\n\n" +
        "processor\t: 1\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse sse2\n";

    [Theory]
    [InlineData(IntelAvx512, "SkylakeX")]
    [InlineData("vendor_id : GenuineIntel\nflags : sse sse2 fma avx avx2\n", "Haswell")]
    [InlineData("vendor_id : GenuineIntel\nflags : sse sse2 avx avx2 avx512f\n", null)] // AVX2 without FMA, AVX-512 without BW/DQ/VL
    [InlineData("vendor_id : GenuineIntel\nflags : sse sse2 sse3 avx\n", null)]
    [InlineData("vendor_id : AuthenticAMD\nflags : fma avx2 avx512f avx512dq avx512bw avx512vl\n", null)] // OpenBLAS knows Zen
    [InlineData("processor : 0\nBogoMIPS : 50.00\nFeatures : fp asimd\n", null)]
    public void Intel_cpus_get_the_kernels_of_their_instruction_sets(string cpuinfo, string? coreType) =>
        Assert.Equal(coreType, NativeBlas.CoreTypeFor(cpuinfo));

    [Fact]
    public void Loading_the_engine_gives_OpenBLAS_the_kernels_chosen_for_this_cpu()
    {
        EngineRuntime.EnsureLoaded();

        var name = NativeBlas.CoreName;
        Assert.NotNull(name); // libtorch's BLAS is OpenBLAS: make deps installs libopenblas0-pthread
        var requested = Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE");
        if (NativeBlas.CoreTypeSet is not null)
        {
            Assert.Equal(NativeBlas.CoreTypeSet, requested);
        }

        if (string.IsNullOrEmpty(requested))
        {
            // Nothing asked: the engine found no kernels to name for this CPU, and OpenBLAS chose.
            Assert.Null(NativeBlas.CoreTypeFor(File.ReadAllText("/proc/cpuinfo")));
        }
        else
        {
            Assert.Equal(requested, name, ignoreCase: true);
            Assert.Contains(name, NativeBlas.Describe(), StringComparison.Ordinal);
        }
    }
}
