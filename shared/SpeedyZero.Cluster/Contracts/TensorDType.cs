namespace SpeedyZero.Cluster.Contracts;

/// <summary>Element type of a <see cref="Tensor"/>; the byte values are on the wire and never change (0 is not a dtype).</summary>
public enum TensorDType : byte
{
    /// <summary>IEEE 754 single precision, 4 bytes.</summary>
    Float32 = 1,

    /// <summary>Signed 32-bit integer, 4 bytes.</summary>
    Int32 = 2,

    /// <summary>Signed 64-bit integer, 8 bytes.</summary>
    Int64 = 3,

    /// <summary>Unsigned byte.</summary>
    UInt8 = 4,
}
