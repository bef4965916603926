namespace SpeedyZero.Core.Environments;

/// <summary>
/// Layout of one observation. Grids are channel-major (C, H, W): the value of channel c at
/// row y, column x is at <c>c * H * W + y * W + x</c>. Vectors have Height = Width = 1.
/// </summary>
public readonly record struct ObservationShape(int Channels, int Height, int Width, bool IsGrid)
{
    /// <summary>Floats in one observation.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>A flat vector of <paramref name="size"/> floats.</summary>
    public static ObservationShape Vector(int size) => new(size, 1, 1, false);

    /// <summary>A (channels, height, width) grid.</summary>
    public static ObservationShape Grid(int channels, int height, int width) => new(channels, height, width, true);
}
