namespace SpeedyZero.Messaging.MessagePack;

/// <summary>Element type of a tensor on the wire; the numbers are part of the format (docs/messagepack.md).</summary>
public enum TensorDType : byte
{
    Float32 = 1,
    Float64 = 2,
    Int8 = 3,
    Int16 = 4,
    Int32 = 5,
    Int64 = 6,
    UInt8 = 7,
    Bool = 8,
    Float16 = 9,
    BFloat16 = 10,
}
