using SpeedyZero.Engine.Interop;

namespace SpeedyZero.Engine;

/// <summary>Process-wide settings of the native engine.</summary>
public static class EngineRuntime
{
    private static int checkedAbi;

    /// <summary>
    /// Loads the library once, after setting up the malloc it runs on and OpenBLAS's kernels, and refuses
    /// one built for other bindings.
    /// </summary>
    public static void EnsureLoaded()
    {
        if (Volatile.Read(ref checkedAbi) == 1)
        {
            return;
        }

        NativeAllocator.Apply();
        NativeBlas.Apply();

        var version = NativeMethods.AbiVersionOfLibrary();
        if (version != NativeMethods.AbiVersion)
        {
            throw new EngineException(
                $"native engine ABI {version} does not match the bindings' ABI {NativeMethods.AbiVersion}: rebuild with 'make build'");
        }

        Volatile.Write(ref checkedAbi, 1);
    }

    /// <summary>Intra-op threads libtorch uses for every model in this process.</summary>
    public static unsafe int Threads
    {
        get => Query<int>(&NativeMethods.GetNumThreads, "get threads");
        set
        {
            EnsureLoaded();
            NativeStatus.Check(NativeMethods.SetNumThreads(value), "set threads");
        }
    }

    /// <summary>Calls a native function that does nothing: the cost of crossing the boundary.</summary>
    public static void EmptyCall() => NativeStatus.Check(NativeMethods.Noop(), "noop");

    /// <summary>
    /// Convolution primitives this process built on oneDNN's reference kernel, over 1000x slower than
    /// its jit kernels: 0 unless the engine's activation layouts miss every jit kernel of this CPU.
    /// </summary>
    public static unsafe long OnednnReferenceConvolutions =>
        Query<long>(&NativeMethods.OnednnReferenceConvolutions, "onednn reference convolutions");

    /// <summary>
    /// oneDNN conv plans (a primitive and its reordered weights, per layer and batch size) this process
    /// built. Inference batches above 64 rows run padded to a multiple of 16 rows, so the count stays
    /// bounded however the batch sizes vary.
    /// </summary>
    public static unsafe long OnednnConvPlansBuilt =>
        Query<long>(&NativeMethods.OnednnConvPlansBuilt, "onednn conv plans built");

    /// <summary>True when the engine was built against a CUDA libtorch and sees a device.</summary>
    public static unsafe bool CudaAvailable => Query<int>(&NativeMethods.CudaAvailable, "cuda available") != 0;

    /// <summary>
    /// How many times faster a bfloat16 convolution of the engine's kind runs than a float32 one on this CPU,
    /// timed once per process (about 0.1 s); 0 without bfloat16 arithmetic. AVX512_BF16 alone does not make
    /// bfloat16 faster (docs/engine-runtime.md), so precision auto reads this rather than the CPU's flags.
    /// </summary>
    public static double BFloat16ConvSpeedup => bfloat16ConvSpeedup.Value;

    private static readonly Lazy<double> bfloat16ConvSpeedup = new(() =>
    {
        unsafe
        {
            return Query<double>(&NativeMethods.BFloat16ConvSpeedup, "bfloat16 convolution speed-up");
        }
    });

    /// <summary>One value read through a native function that writes it to a pointer.</summary>
    private static unsafe T Query<T>(delegate*<T*, int> read, string what)
        where T : unmanaged
    {
        EnsureLoaded();
        T value;
        NativeStatus.Check(read(&value), what);
        return value;
    }

    /// <summary>Matrix product computed by libtorch: a toolchain check from C# to BLAS.</summary>
    public static unsafe float[] ProbeMatmul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int k, int n)
    {
        EnsureLoaded();
        if (a.Length != m * k || b.Length != k * n)
        {
            throw new ArgumentException($"expected a[{m}x{k}] and b[{k}x{n}], got {a.Length} and {b.Length} elements");
        }

        var result = new float[m * n];
        fixed (float* pa = a, pb = b, po = result)
        {
            NativeStatus.Check(NativeMethods.ProbeMatmul(pa, pb, po, m, k, n), "probe matmul");
        }

        return result;
    }
}
