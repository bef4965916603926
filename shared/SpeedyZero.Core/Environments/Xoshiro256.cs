using System.Runtime.CompilerServices;

namespace SpeedyZero.Core.Environments;

/// <summary>
/// xoshiro256** generator seeded through SplitMix64. Written out here so that a seed gives the
/// same game on every .NET version (System.Random's algorithm is not a compatibility promise).
/// </summary>
public sealed class Xoshiro256
{
    private ulong s0, s1, s2, s3;

    public Xoshiro256(ulong seed) => Seed(seed);

    /// <summary>Restarts the stream from <paramref name="seed"/>.</summary>
    public void Seed(ulong seed)
    {
        // SplitMix64 spreads any seed (0 included) over the 256-bit state, never all zeros.
        s0 = SplitMix64(ref seed);
        s1 = SplitMix64(ref seed);
        s2 = SplitMix64(ref seed);
        s3 = SplitMix64(ref seed);
    }

    /// <summary>One SplitMix64 step: advances <paramref name="state"/> and returns a mixed value.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The <paramref name="index"/>-th seed of a family derived from <paramref name="seed"/>
    /// (used for the instances of a vector environment).</summary>
    public static ulong DeriveSeed(ulong seed, int index)
    {
        var state = seed ^ (0xD1B54A32D192ED03UL * (ulong)(index + 1));
        return SplitMix64(ref state);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="count"/>); multiply-high keeps the bias below 2^-32 for small counts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int count) => (int)Math.BigMul(NextUInt64(), (ulong)count, out _);

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double NextDouble(double low, double high) => low + (high - low) * NextDouble();
}
