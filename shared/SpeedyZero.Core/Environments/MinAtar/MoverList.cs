namespace SpeedyZero.Core.Environments.MinAtar;

/// <summary>
/// An ordered list of movers that keeps insertion order on removal, as the rules resolve
/// collisions in list order. Sized for the densest play, so it does not grow in practice.
/// </summary>
internal sealed class MoverList(int capacity)
{
    private Mover[] items = new Mover[capacity];

    public int Count { get; private set; }

    public ref Mover this[int index] => ref items[index];

    public void Add(in Mover mover)
    {
        if (Count == items.Length) Array.Resize(ref items, items.Length * 2);
        items[Count++] = mover;
    }

    public void RemoveAt(int index)
    {
        Count--;
        if (index < Count) Array.Copy(items, index + 1, items, index, Count - index);
    }

    public void Clear() => Count = 0;

    /// <summary>Index of the first mover at (<paramref name="x"/>, <paramref name="y"/>), or -1.</summary>
    public int IndexAt(int x, int y)
    {
        for (var i = 0; i < Count; i++)
        {
            if (items[i].IsAt(x, y)) return i;
        }

        return -1;
    }
}
