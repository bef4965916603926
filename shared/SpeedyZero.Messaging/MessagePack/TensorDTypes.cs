namespace SpeedyZero.Messaging.MessagePack;

/// <summary>Element sizes and the mapping from .NET element types to <see cref="TensorDType"/>.</summary>
public static class TensorDTypes
{
    /// <summary>Bytes per element, or 0 for a value that is not a known dtype.</summary>
    public static int SizeOf(TensorDType dtype) => dtype switch
    {
        TensorDType.Int8 or TensorDType.UInt8 or TensorDType.Bool => 1,
        TensorDType.Int16 or TensorDType.Float16 or TensorDType.BFloat16 => 2,
        TensorDType.Float32 or TensorDType.Int32 => 4,
        TensorDType.Float64 or TensorDType.Int64 => 8,
        _ => 0,
    };

    /// <summary>The dtype of <typeparamref name="T"/>; the JIT folds this to a constant per T.</summary>
    public static TensorDType Of<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return TensorDType.Float32;
        }

        if (typeof(T) == typeof(double))
        {
            return TensorDType.Float64;
        }

        if (typeof(T) == typeof(sbyte))
        {
            return TensorDType.Int8;
        }

        if (typeof(T) == typeof(short))
        {
            return TensorDType.Int16;
        }

        if (typeof(T) == typeof(int))
        {
            return TensorDType.Int32;
        }

        if (typeof(T) == typeof(long))
        {
            return TensorDType.Int64;
        }

        if (typeof(T) == typeof(byte))
        {
            return TensorDType.UInt8;
        }

        if (typeof(T) == typeof(bool))
        {
            return TensorDType.Bool;
        }

        if (typeof(T) == typeof(Half))
        {
            return TensorDType.Float16;
        }

        throw new NotSupportedException($"{typeof(T).Name} has no tensor dtype");
    }
}
