using SpeedyZero.Engine;

namespace SpeedyZero.Engine.Tests;

/// <summary>The engine sets up the malloc it finds: jemalloc (as make preloads it) without purging, or glibc's.</summary>
public class NativeAllocatorTests
{
    [Fact]
    public void Loading_the_engine_configures_the_malloc_this_process_runs_on()
    {
        EngineRuntime.EnsureLoaded();

        var jemallocMapped = File.ReadLines("/proc/self/maps").Any(line => line.Contains("libjemalloc", StringComparison.Ordinal));
        Assert.Equal(jemallocMapped ? MallocKind.Jemalloc : MallocKind.Glibc, NativeAllocator.Kind);
        var environmentDecides = NativeAllocator.Kind == MallocKind.Jemalloc
            ? !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MALLOC_CONF"))
            : NativeAllocator.TunablesSetMalloc(Environment.GetEnvironmentVariable("GLIBC_TUNABLES"));
        Assert.Equal(!environmentDecides, NativeAllocator.Applied);
        if (NativeAllocator.Kind == MallocKind.Jemalloc && NativeAllocator.Applied)
        {
            // Purging off for the arenas made so far and for those made later: freed pages are reused, not faulted in again.
            Assert.Equal(-1, NativeAllocator.JemallocSetting("arenas.dirty_decay_ms"));
            Assert.Equal(-1, NativeAllocator.JemallocSetting("arenas.muzzy_decay_ms"));
            Assert.Equal(-1, NativeAllocator.JemallocSetting("arena.0.dirty_decay_ms"));
        }
        else
        {
            Assert.Null(NativeAllocator.JemallocSetting("arenas.dirty_decay_ms"));
        }
    }

    [Fact]
    public void Child_environment_reproduces_the_settings_for_the_allocator_in_use()
    {
        var (name, value) = NativeAllocator.ChildEnvironment;
        if (NativeAllocator.Kind == MallocKind.Jemalloc)
        {
            Assert.Equal(("MALLOC_CONF", "dirty_decay_ms:-1,muzzy_decay_ms:-1"), (name, value));
        }
        else
        {
            Assert.Equal("GLIBC_TUNABLES", name);
            Assert.True(NativeAllocator.TunablesSetMalloc(value));
            Assert.Contains("glibc.malloc.mmap_threshold=33554432", value);
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("glibc.rtld.optional_static_tls=512", false)]
    [InlineData("glibc.malloc.arena_max=2", true)]
    [InlineData("glibc.rtld.nns=2:glibc.malloc.trim_threshold=0", true)]
    public void Glibc_tunables_that_set_malloc_leave_it_to_the_environment(string? tunables, bool setsMalloc) =>
        Assert.Equal(setsMalloc, NativeAllocator.TunablesSetMalloc(tunables));
}
