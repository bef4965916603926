using System.Runtime.InteropServices;

namespace SpeedyZero.Messaging.MessagePack;

/// <summary>
/// A tensor held as dtype, shape and little-endian element bytes (row-major): the form envelopes carry and
/// the wire stores, so encoding is one block copy.
/// </summary>
public sealed class TensorPayload
{
    private readonly int[] shape;

    public TensorPayload(TensorDType dtype, int[] shape, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var size = TensorDTypes.SizeOf(dtype);
        if (size == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype");
        }

        if (shape.Length > TensorFormat.MaxRank)
        {
            throw new ArgumentException($"rank {shape.Length} above {TensorFormat.MaxRank}", nameof(shape));
        }

        var count = ElementCountOf(shape);
        if (count * size != data.Length)
        {
            throw new ArgumentException($"shape [{string.Join(',', shape)}] of {dtype} needs {count * size} bytes, got {data.Length}", nameof(data));
        }

        DType = dtype;
        this.shape = shape;
        Data = data;
    }

    public TensorDType DType { get; }

    public IReadOnlyList<int> Shape => shape;

    /// <summary>Little-endian element bytes, row-major.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    public long ElementCount => Data.Length / TensorDTypes.SizeOf(DType);

    /// <summary>Copies <paramref name="values"/> (one block) into a new payload of the given shape.</summary>
    public static TensorPayload From<T>(ReadOnlySpan<T> values, params ReadOnlySpan<int> shape)
        where T : unmanaged
    {
        TensorFormat.EnsureLittleEndian();
        return new TensorPayload(TensorDTypes.Of<T>(), shape.ToArray(), MemoryMarshal.AsBytes(values).ToArray());
    }

    /// <summary>A one-dimensional tensor of <paramref name="values"/>.</summary>
    public static TensorPayload Vector<T>(ReadOnlySpan<T> values)
        where T : unmanaged => From(values, values.Length);

    public void CopyTo<T>(Span<T> destination)
        where T : unmanaged
    {
        if (TensorDTypes.Of<T>() != DType)
        {
            throw new InvalidOperationException($"tensor holds {DType}, not {typeof(T).Name}");
        }

        TensorFormat.EnsureLittleEndian();
        Data.Span.CopyTo(MemoryMarshal.AsBytes(destination));
    }

    public T[] ToArray<T>()
        where T : unmanaged
    {
        var result = GC.AllocateUninitializedArray<T>((int)ElementCount);
        CopyTo<T>(result);
        return result;
    }

    internal ReadOnlySpan<int> ShapeSpan => shape;

    internal static long ElementCountOf(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"negative dimension {dim}", nameof(shape));
            }

            count = checked(count * dim);
        }

        return count;
    }
}
