namespace SpeedyZero.Core.Search;

/// <summary>
/// Min-max normalisation of Q values against the range seen in one tree. A range narrower than
/// the floor divides by the floor, so near-equal Q values do not blow up into 0/1 decisions; a
/// tree with no Q seen yet normalises everything to 0. Results are clamped to [0, 1].
/// </summary>
public static class MinMaxNormalizer
{
    /// <summary>Min and max of an empty tree: any first update replaces both.</summary>
    public const float EmptyMin = float.PositiveInfinity;

    /// <inheritdoc cref="EmptyMin"/>
    public const float EmptyMax = float.NegativeInfinity;

    /// <summary>
    /// The map q -> (q - Lo) * Scale that the search applies (then clamps to [0, 1]): Scale is one
    /// over the range, or over the floor when the range is narrower; an empty tree gives 0.
    /// </summary>
    public static (float Lo, float Scale) Affine(float min, float max, float floor) =>
        max < min ? (0f, 0f) : (min, 1f / MathF.Max(max - min, floor));

    /// <summary><paramref name="q"/> mapped into [0, 1] by the tree's range, as the search scores it.</summary>
    public static float Normalize(float q, float min, float max, float floor)
    {
        var (lo, scale) = Affine(min, max, floor);
        var scaled = (q - lo) * scale;
        return scaled < 0f ? 0f : scaled > 1f ? 1f : scaled;
    }
}
