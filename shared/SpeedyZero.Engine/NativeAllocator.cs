using System.Runtime.InteropServices;
using System.Text;

namespace SpeedyZero.Engine;

/// <summary>Which malloc serves libtorch's buffers in this process.</summary>
public enum MallocKind
{
    /// <summary>glibc's own: fast with <see cref="NativeAllocator"/>'s settings, but its resident memory climbs over hours.</summary>
    Glibc,

    /// <summary>jemalloc, preloaded (<c>LD_PRELOAD=libjemalloc.so.2</c>, as make and the images do): flat resident memory.</summary>
    Jemalloc,
}

/// <summary>
/// Sets the malloc that every process loading the engine runs on, once, from
/// <see cref="EngineRuntime.EnsureLoaded"/>, so that no launcher has to carry allocator settings
/// (docs/engine-runtime.md has the measurements). libtorch allocates each intermediate tensor
/// afresh, so freed pages must be kept for the next call rather than handed back to the kernel and
/// faulted in again: jemalloc's purging is turned off; under glibc, buffers up to 32 MiB stay in
/// the heap and the heap is not trimmed. Where the environment configures the allocator
/// (MALLOC_CONF for jemalloc, a glibc.malloc tunable in GLIBC_TUNABLES) it wins and nothing is set.
/// </summary>
public static unsafe partial class NativeAllocator
{
    // mallopt parameters (malloc.h).
    private const int TrimThreshold = -1;
    private const int TopPad = -2;
    private const int MmapThreshold = -3;

    private static readonly (string Tunable, int Parameter, int Value)[] GlibcSettings =
    [
        ("glibc.malloc.mmap_threshold", MmapThreshold, 32 << 20),  // glibc's largest threshold
        ("glibc.malloc.trim_threshold", TrimThreshold, int.MaxValue),
        ("glibc.malloc.top_pad", TopPad, 256 << 20),
    ];

    private static readonly string[] JemallocDecay = ["dirty_decay_ms", "muzzy_decay_ms"];

    // errno values jemalloc's mallctl returns.
    private const int Efault = 14;

    private static int applied;

    // jemalloc's mallctl, looked up once over the global scope (which holds what LD_PRELOAD loaded); 0 under glibc.
    private static readonly nint MallctlFunction =
        NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "mallctl", out var address) ? address : 0;

    /// <summary>The malloc this process runs on (jemalloc when its <c>mallctl</c> is resolvable).</summary>
    public static MallocKind Kind { get; } = MallctlFunction == 0 ? MallocKind.Glibc : MallocKind.Jemalloc;

    /// <summary>True once <see cref="Apply"/> has set the allocator; false where the environment was left in charge.</summary>
    public static bool Applied => Volatile.Read(ref applied) == 1;

    /// <summary>
    /// The environment variable that gives a child process (the bench's PyTorch side, which loads the
    /// same libtorch) these settings; a preloaded jemalloc reaches it through the inherited LD_PRELOAD.
    /// </summary>
    public static KeyValuePair<string, string> ChildEnvironment => Kind == MallocKind.Jemalloc
        ? new("MALLOC_CONF", string.Join(',', JemallocDecay.Select(decay => $"{decay}:-1")))
        : new("GLIBC_TUNABLES", string.Join(':', GlibcSettings.Select(s => $"{s.Tunable}={s.Value}")));

    /// <summary>One line for logs and run panels: the allocator and who configured it.</summary>
    public static string Describe() => (Kind, Applied) switch
    {
        (MallocKind.Jemalloc, true) => "jemalloc, purging off",
        (MallocKind.Jemalloc, false) => "jemalloc, as MALLOC_CONF sets it",
        (MallocKind.Glibc, true) => "glibc malloc, kept heap (resident memory climbs over long runs: preload libjemalloc.so.2)",
        _ => "glibc malloc, as GLIBC_TUNABLES sets it",
    };

    /// <summary>True when this GLIBC_TUNABLES value sets any glibc.malloc tunable.</summary>
    public static bool TunablesSetMalloc(string? glibcTunables) =>
        !string.IsNullOrEmpty(glibcTunables) && glibcTunables.Contains("glibc.malloc.", StringComparison.Ordinal);

    /// <summary>Sets the allocator unless the environment does; throws when the allocator refuses a setting.</summary>
    internal static void Apply()
    {
        if (Applied)
        {
            return;
        }

        if (Kind == MallocKind.Jemalloc)
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MALLOC_CONF")))
            {
                return;
            }

            // The default of arenas made later, then each arena made so far (EFAULT: an index not in use).
            uint arenas = 0;
            var size = (nuint)sizeof(uint);
            Check("arenas.narenas", Mallctl("arenas.narenas", &arenas, &size, null, 0));
            foreach (var decay in JemallocDecay)
            {
                nint never = -1;
                Check($"arenas.{decay}", Mallctl($"arenas.{decay}", null, null, &never, (nuint)sizeof(nint)));
                for (var i = 0; i < arenas; i++)
                {
                    var error = Mallctl($"arena.{i}.{decay}", null, null, &never, (nuint)sizeof(nint));
                    if (error != Efault)
                    {
                        Check($"arena.{i}.{decay}", error);
                    }
                }
            }
        }
        else
        {
            if (TunablesSetMalloc(Environment.GetEnvironmentVariable("GLIBC_TUNABLES")))
            {
                return;
            }

            foreach (var (tunable, parameter, value) in GlibcSettings)
            {
                if (Mallopt(parameter, value) != 1)
                {
                    throw new EngineException($"glibc refused mallopt for {tunable}={value}");
                }
            }
        }

        Volatile.Write(ref applied, 1);
    }

    /// <summary>One of jemalloc's ssize_t settings (e.g. "arenas.dirty_decay_ms"), read back; null under glibc.</summary>
    public static long? JemallocSetting(string name)
    {
        if (Kind != MallocKind.Jemalloc)
        {
            return null;
        }

        nint value = 0;
        var size = (nuint)sizeof(nint);
        Check(name, Mallctl(name, &value, &size, null, 0));
        return value;
    }

    private static int Mallctl(string name, void* old, nuint* oldSize, void* newValue, nuint newSize)
    {
        var mallctl = (delegate* unmanaged<byte*, void*, nuint*, void*, nuint, int>)MallctlFunction;
        fixed (byte* n = Encoding.ASCII.GetBytes(name + '\0'))
        {
            return mallctl(n, old, oldSize, newValue, newSize);
        }
    }

    private static void Check(string name, int error)
    {
        if (error != 0)
        {
            throw new EngineException($"jemalloc's mallctl refused {name} (error {error})");
        }
    }

    // glibc's own soname: the unversioned libc.so is a linker script where libc6-dev is installed.
    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
