namespace SpeedyZero.Core.Replay;

/// <summary>
/// Binary sum tree over a power-of-two number of leaves, in one array (node i has children 2i
/// and 2i + 1, the root is 1). Parents are recomputed as left + right rather than adjusted by a
/// delta, so sums never drift: the root always equals the sum of its leaves in tree order.
/// </summary>
public sealed class SumTree
{
    private readonly double[] nodes;

    public SumTree(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        Leaves = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)size);
        nodes = new double[2 * Leaves];
    }

    /// <summary>Usable leaves.</summary>
    public int Size { get; }

    /// <summary>Leaves including the power-of-two padding (always zero).</summary>
    public int Leaves { get; }

    /// <summary>Sum of all leaves.</summary>
    public double Total => nodes[1];

    /// <summary>Value of leaf <paramref name="leaf"/>.</summary>
    public double this[int leaf] => nodes[Leaves + leaf];

    /// <summary>Sets one leaf and the sums above it.</summary>
    public void Set(int leaf, double value)
    {
        var i = Leaves + leaf;
        nodes[i] = value;
        for (i >>= 1; i >= 1; i >>= 1)
        {
            nodes[i] = nodes[2 * i] + nodes[2 * i + 1];
        }
    }

    /// <summary>Sets every leaf from <paramref name="values"/> (missing ones 0) and rebuilds all sums in O(n).</summary>
    public void Rebuild(ReadOnlySpan<double> values)
    {
        Array.Clear(nodes);
        values[..Math.Min(values.Length, Size)].CopyTo(nodes.AsSpan(Leaves));
        for (var i = Leaves - 1; i >= 1; i--)
        {
            nodes[i] = nodes[2 * i] + nodes[2 * i + 1];
        }
    }

    /// <summary>
    /// The leaf where the prefix sum passes <paramref name="mass"/> in [0, Total). Never returns a
    /// zero leaf while Total is positive: rounding that points past a side with no mass turns back.
    /// </summary>
    public int Find(double mass)
    {
        var i = 1;
        while (i < Leaves)
        {
            var left = nodes[2 * i];
            if (mass < left || nodes[2 * i + 1] <= 0)
            {
                i = 2 * i;
            }
            else
            {
                mass -= left;
                i = 2 * i + 1;
            }
        }

        return i - Leaves;
    }

    /// <summary>
    /// <see cref="Find"/> for many masses at once, walking all of them down one level at a time
    /// so their memory loads overlap. <paramref name="masses"/> is used as scratch.
    /// </summary>
    public void FindMany(Span<double> masses, Span<int> leaves)
    {
        var n = masses.Length;
        leaves = leaves[..n];
        leaves.Fill(1);
        for (var width = 1; width < Leaves; width <<= 1)
        {
            for (var k = 0; k < n; k++)
            {
                var i = leaves[k];
                var left = nodes[2 * i];
                if (masses[k] < left || nodes[2 * i + 1] <= 0)
                {
                    leaves[k] = 2 * i;
                }
                else
                {
                    masses[k] -= left;
                    leaves[k] = 2 * i + 1;
                }
            }
        }

        for (var k = 0; k < n; k++)
        {
            leaves[k] -= Leaves;
        }
    }
}
