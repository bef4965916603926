namespace SpeedyZero.Core.Search;

/// <summary>
/// SplitMix64 streams on a caller-held <c>ulong</c> state: tiny, allocation-free, and one per
/// root, so results do not depend on how roots are spread over threads.
/// </summary>
public static class SearchRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>Independent stream state for item <paramref name="index"/> of a search seeded with <paramref name="seed"/>.</summary>
    public static ulong StreamState(ulong seed, long index)
    {
        var s = seed ^ Mix((ulong)index * Golden + 0x632BE59BD9B4E019UL);
        return Mix(s);
    }

    /// <summary>Next 64 random bits.</summary>
    public static ulong NextUInt64(ref ulong state)
    {
        state += Golden;
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public static double NextDouble(ref ulong state) => (NextUInt64(ref state) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="n"/>); multiply-shift, bias below 2^-32.</summary>
    public static int NextInt(ref ulong state, int n) => (int)(((NextUInt64(ref state) >> 32) * (ulong)n) >> 32);

    /// <summary>Standard normal (Box-Muller, one of the pair).</summary>
    public static double NextNormal(ref ulong state)
    {
        var u1 = 1.0 - NextDouble(ref state); // (0, 1]: log stays finite
        var u2 = NextDouble(ref state);
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Gamma(shape, 1) by Marsaglia-Tsang; shapes below 1 use the <c>U^(1/shape)</c> boost.</summary>
    public static double NextGamma(ref ulong state, double shape)
    {
        if (shape < 1.0)
        {
            var boost = Math.Pow(1.0 - NextDouble(ref state), 1.0 / shape);
            return NextGamma(ref state, shape + 1.0) * boost;
        }

        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = NextNormal(ref state);
                v = 1.0 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            var u = NextDouble(ref state);
            if (u < 1.0 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1.0 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
