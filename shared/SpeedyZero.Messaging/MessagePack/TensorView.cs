using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SpeedyZero.Messaging.MessagePack;

/// <summary>A decoded tensor that still points into the input: no copy until <see cref="CopyTo{T}"/>.</summary>
public readonly ref struct TensorView
{
    private readonly ReadOnlySpan<byte> dims;

    internal TensorView(TensorDType dtype, ReadOnlySpan<byte> dims, ReadOnlySpan<byte> data)
    {
        DType = dtype;
        this.dims = dims;
        Data = data;
    }

    public TensorDType DType { get; }

    public int Rank => dims.Length / 4;

    /// <summary>Little-endian element bytes, row-major.</summary>
    public ReadOnlySpan<byte> Data { get; }

    public int ElementCount => Data.Length / TensorDTypes.SizeOf(DType);

    public int Dimension(int axis) => BinaryPrimitives.ReadInt32LittleEndian(dims[(4 * axis)..]);

    public int[] GetShape()
    {
        var shape = new int[Rank];
        for (var i = 0; i < shape.Length; i++)
        {
            shape[i] = Dimension(i);
        }

        return shape;
    }

    /// <summary>Copies the elements into <paramref name="destination"/> in one block.</summary>
    public void CopyTo<T>(Span<T> destination)
        where T : unmanaged
    {
        if (TensorDTypes.Of<T>() != DType)
        {
            throw new InvalidOperationException($"tensor holds {DType}, not {typeof(T).Name}");
        }

        if (destination.Length < ElementCount)
        {
            throw new ArgumentException($"destination holds {destination.Length} elements, tensor has {ElementCount}", nameof(destination));
        }

        TensorFormat.EnsureLittleEndian();
        Data.CopyTo(MemoryMarshal.AsBytes(destination));
    }

    public T[] ToArray<T>()
        where T : unmanaged
    {
        var result = GC.AllocateUninitializedArray<T>(ElementCount);
        CopyTo<T>(result);
        return result;
    }

    /// <summary>An owning copy (one block copy of the element bytes).</summary>
    public TensorPayload ToPayload() => new(DType, GetShape(), Data.ToArray());
}
