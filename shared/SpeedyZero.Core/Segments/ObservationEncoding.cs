namespace SpeedyZero.Core.Segments;

/// <summary>How a segment stores observations.</summary>
public enum ObservationEncoding : byte
{
    /// <summary>Raw little-endian floats (vector observations such as CartPole).</summary>
    Float32 = 0,

    /// <summary>One bit per value, least significant bit first (binary grids such as MinAtar); values must be 0 or 1.</summary>
    Bits = 1,

    /// <summary>One byte per value (8-bit frames); values must be integers in [0, 255].</summary>
    Bytes = 2,
}
