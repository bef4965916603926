namespace SpeedyZero.Training.Plotting;

/// <summary>An opaque 8-bit colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static readonly Rgb White = new(255, 255, 255);
    public static readonly Rgb Black = new(0, 0, 0);
    public static readonly Rgb Grid = new(225, 225, 225);
    public static readonly Rgb Axis = new(90, 90, 90);

    /// <summary>Distinguishable series colours (colour-blind friendly order).</summary>
    public static readonly Rgb[] Palette =
    [
        new(0, 114, 178), new(213, 94, 0), new(0, 158, 115), new(204, 121, 167),
        new(230, 159, 0), new(86, 180, 233), new(120, 120, 120),
    ];
}
