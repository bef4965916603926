using SpeedyZero.Engine;
using SpeedyZero.Testing;

namespace SpeedyZero.Engine.Tests;

/// <summary>The native library loads, computes through libtorch, and reports errors without dying.</summary>
public class NativeToolchainTests
{
    [Fact]
    public void Matmul_through_libtorch_matches_hand_computed_product()
    {
        // [1 2 3; 4 5 6] @ [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [7, 8, 9, 10, 11, 12];

        var product = EngineRuntime.ProbeMatmul(a, b, 2, 3, 2);

        Assert.Equal([58f, 64f, 139f, 154f], product);
    }

    [Fact]
    public void Large_matmul_agrees_with_managed_reference()
    {
        const int m = 37, k = 53, n = 29;
        var random = new Random(1);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();

        var product = EngineRuntime.ProbeMatmul(a, b, m, k, n);

        for (var i = 0; i < m; i++)
        for (var j = 0; j < n; j++)
        {
            double expected = 0;
            for (var x = 0; x < k; x++) expected += a[i * k + x] * b[x * n + j];
            Assert.Equal(expected, product[i * n + j], 1e-4);
        }
    }

    [Fact]
    public void Native_rejection_becomes_typed_exception_with_native_message()
    {
        var error = Assert.Throws<EngineArgumentException>(() => EngineRuntime.Threads = 0);

        Assert.Contains("threads must be >= 1", error.Message);
        Assert.True(EngineRuntime.Threads >= 1, "the engine keeps working after a rejected call");
    }

    [Fact]
    public void Bfloat16_convolution_speedup_is_measured_where_the_CPU_has_bfloat16_and_zero_elsewhere()
    {
        var speedup = EngineRuntime.BFloat16ConvSpeedup;

        if (CpuFeatures.HasBFloat16())
        {
            // A timing, not a constant: somewhere between a tenth and ten times float32's speed.
            Assert.InRange(speedup, 0.1, 10);
        }
        else
        {
            Assert.Equal(0, speedup);
        }
    }

    [Fact]
    public void Denormal_floats_are_flushed_on_a_fresh_calling_thread_and_its_workers()
    {
        // h(x) = sign(x)(sqrt(|x|+1) - 1) + 0.001 x: for a denormal x it is 1e-42, itself denormal,
        // unless denormal inputs read as zero. A million elements span every libtorch worker.
        // Written as bits: on a thread that has called the engine, managed float code flushes it too.
        const int denormal = 0x000AE398; // 1e-39
        var x = new float[1 << 20];
        System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(x.AsSpan()).Fill(denormal);
        var h = new float[x.Length];
        var thread = new Thread(() => CategoricalSupport.Transform(x, h));
        thread.Start();
        thread.Join();

        var nonzero = h.Count(v => (BitConverter.SingleToInt32Bits(v) & int.MaxValue) != 0);
        Assert.True(nonzero == 0, $"{nonzero} of {h.Length} outputs are not zero (bits {BitConverter.SingleToInt32Bits(h[0]):x} first)");
    }

    [Fact]
    public void Thread_count_is_set_explicitly()
    {
        var before = EngineRuntime.Threads;
        try
        {
            EngineRuntime.Threads = 1;
            Assert.Equal(1, EngineRuntime.Threads);
        }
        finally
        {
            EngineRuntime.Threads = before;
        }
    }
}
