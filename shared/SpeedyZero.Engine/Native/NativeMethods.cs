using System.Runtime.InteropServices;

namespace SpeedyZero.Engine.Native;

/// <summary>The flat C ABI of native/include/speedyzero_engine.h, one line per export.</summary>
internal static partial class NativeMethods
{
    public const string Library = "speedyzero_engine";

    /// <summary>The ABI version these bindings were written against.</summary>
    public const int AbiVersion = 1;

    [LibraryImport(Library, EntryPoint = "sz_abi_version")]
    public static partial int AbiVersionOfLibrary();

    [LibraryImport(Library, EntryPoint = "sz_last_error")]
    public static unsafe partial int LastError(byte* buffer, int capacity);

    [LibraryImport(Library, EntryPoint = "sz_set_num_threads")]
    public static partial int SetNumThreads(int threads);

    [LibraryImport(Library, EntryPoint = "sz_get_num_threads")]
    public static unsafe partial int GetNumThreads(int* threads);

    [LibraryImport(Library, EntryPoint = "sz_probe_matmul")]
    public static unsafe partial int ProbeMatmul(float* a, float* b, float* output, int m, int k, int n);
}
