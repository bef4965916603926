namespace SpeedyZero.Core.Replay;

/// <summary>
/// A small set of leaf numbers for detecting repeats within one sampled batch: open addressing
/// with generation stamps, so clearing is O(1) and nothing is allocated once sized.
/// </summary>
internal sealed class LeafSet
{
    private int[] values = new int[16];
    private int[] stamps = new int[16];
    private int generation = 1;

    /// <summary>Makes room for <paramref name="count"/> members at a low load factor.</summary>
    public void Reserve(int count)
    {
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, count * 4));
        if (size <= values.Length) return;
        values = new int[size];
        stamps = new int[size];
        generation = 1;
    }

    /// <summary>Empties the set.</summary>
    public void Clear()
    {
        if (++generation == int.MaxValue)
        {
            Array.Clear(stamps);
            generation = 1;
        }
    }

    /// <summary>Adds <paramref name="value"/>; false when it was already there.</summary>
    public bool Add(int value)
    {
        var mask = values.Length - 1;
        var i = (int)((uint)value * 0x9E3779B1u >> 7) & mask;
        while (stamps[i] == generation)
        {
            if (values[i] == value) return false;
            i = (i + 1) & mask;
        }

        stamps[i] = generation;
        values[i] = value;
        return true;
    }
}
