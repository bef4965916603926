using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SpeedyZero.Core.Environments.MinAtar;

/// <summary>
/// Turns 10-bit row masks (bit x = column x) into rows of 0/1 floats. Games draw into masks;
/// writing every float once from the masks is cheaper than clearing the planes and setting cells.
/// </summary>
internal static class BinaryRows
{
    private const int Width = MinAtarGame.GridSize;

    private static readonly Vector256<int> LowBits = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
    private static readonly Vector256<int> HighBits = Vector256.Create(4, 8, 16, 32, 64, 128, 256, 512);
    private static readonly Vector256<int> OneBits = Vector256.Create(1f).AsInt32();

    /// <summary>Writes <c>rows.Length * 10</c> floats into <paramref name="destination"/>.</summary>
    public static void Expand(ReadOnlySpan<int> rows, Span<float> destination)
    {
        if (destination.Length < rows.Length * Width)
        {
            throw new ArgumentException($"needs {rows.Length * Width} floats, got {destination.Length}", nameof(destination));
        }

        ref var output = ref MemoryMarshal.GetReference(destination);
        if (Vector256.IsHardwareAccelerated)
        {
            for (var r = 0; r < rows.Length; r++)
            {
                var mask = Vector256.Create(rows[r]);
                // Columns 0-7, then 2-9: two overlapping stores, the shared columns get equal values.
                var low = Vector256.Equals(mask & LowBits, LowBits) & OneBits;
                var high = Vector256.Equals(mask & HighBits, HighBits) & OneBits;
                var offset = (nuint)(r * Width);
                low.AsSingle().StoreUnsafe(ref output, offset);
                high.AsSingle().StoreUnsafe(ref output, offset + 2);
            }

            return;
        }

        for (var r = 0; r < rows.Length; r++)
        {
            var mask = rows[r];
            for (var x = 0; x < Width; x++) Unsafe.Add(ref output, r * Width + x) = (mask >> x) & 1;
        }
    }
}
