using SpeedyZero.Engine.Interop;

namespace SpeedyZero.Engine;

/// <summary>
/// The engine's categorical scalars (ALGORITHM.md section 1): the h-transform, two-hot targets over
/// [-S, S] and the expectation decode. These call the very functions the training step uses.
/// </summary>
public static class CategoricalSupport
{
    /// <summary>output[i] = h(x[i]) = sign(x)(sqrt(|x|+1) - 1) + 0.001 x.</summary>
    public static void Transform(ReadOnlySpan<float> x, Span<float> output) => Apply(x, output, inverse: false);

    /// <summary>output[i] = h^-1(x[i]).</summary>
    public static void Inverse(ReadOnlySpan<float> x, Span<float> output) => Apply(x, output, inverse: true);

    /// <summary>Two-hot of h(scalars[i]) over [-support, support]: output is [count, 2*support+1].</summary>
    public static unsafe void TwoHot(ReadOnlySpan<float> scalars, int support, Span<float> output)
    {
        EngineRuntime.EnsureLoaded();
        fixed (float* s = scalars, o = output)
        {
            NativeStatus.Check(NativeMethods.TwoHot(s, scalars.Length, support, o, output.Length), "two-hot");
        }
    }

    /// <summary>Expectation of probabilities [count, 2*support+1] over the support, then h^-1.</summary>
    public static unsafe void Decode(ReadOnlySpan<float> probabilities, int support, Span<float> output)
    {
        EngineRuntime.EnsureLoaded();
        fixed (float* p = probabilities, o = output)
        {
            NativeStatus.Check(NativeMethods.DecodeExpectation(p, probabilities.Length, output.Length, support, o), "decode");
        }
    }

    private static unsafe void Apply(ReadOnlySpan<float> x, Span<float> output, bool inverse)
    {
        if (x.Length != output.Length)
        {
            throw new ArgumentException($"output holds {output.Length} elements, input {x.Length}", nameof(output));
        }

        EngineRuntime.EnsureLoaded();
        fixed (float* i = x, o = output)
        {
            NativeStatus.Check(NativeMethods.HTransform(i, o, x.Length, inverse ? 1 : 0), "h-transform");
        }
    }
}
