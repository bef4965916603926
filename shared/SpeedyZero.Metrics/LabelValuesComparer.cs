namespace SpeedyZero.Metrics;

/// <summary>Label-value arrays compared element by element (ordinal), for the series table.</summary>
internal sealed class LabelValuesComparer : IEqualityComparer<string[]>, IComparer<string[]>
{
    public static LabelValuesComparer Instance { get; } = new();

    public bool Equals(string[]? x, string[]? y) => x.AsSpan().SequenceEqual(y, StringComparer.Ordinal);

    public int GetHashCode(string[] values)
    {
        var hash = new HashCode();
        foreach (var value in values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public int Compare(string[]? x, string[]? y)
    {
        for (var i = 0; i < Math.Min(x!.Length, y!.Length); i++)
        {
            var c = string.CompareOrdinal(x[i], y[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return x.Length.CompareTo(y.Length);
    }
}
