using System.Collections.ObjectModel;
using System.Runtime.InteropServices;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>
/// A dense row-major array on the wire: dtype, shape and the elements as one block of
/// little-endian bytes (written by <see cref="TensorFormatter"/>). Immutable: <see cref="From{T}"/> and
/// the formatter copy the elements in; the public constructor takes the caller's bytes as they are.
/// </summary>
public sealed class Tensor
{
    /// <summary>The most dimensions a tensor may have.</summary>
    public const int MaxRank = 8;

    private readonly int[] shape;

    static Tensor()
    {
        // The elements are copied as raw bytes in both directions; a big-endian host would need swapping.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("tensors travel as little-endian bytes; this host is big-endian");
        }
    }

    /// <summary>A tensor over <paramref name="data"/> (not copied); throws <see cref="ArgumentException"/> unless the shape fits the bytes exactly.</summary>
    public Tensor(TensorDType dtype, ReadOnlySpan<int> shape, ReadOnlyMemory<byte> data)
    {
        var error = Check(dtype, shape, data.Length, out var elements);
        if (error is not null) throw new ArgumentException(error, nameof(data));
        DType = dtype;
        this.shape = shape.ToArray();
        Shape = Array.AsReadOnly(this.shape);
        Data = data;
        ElementCount = elements;
    }

    /// <summary>Element type.</summary>
    public TensorDType DType { get; }

    /// <summary>Dimensions, outermost first (empty for a scalar).</summary>
    public ReadOnlyCollection<int> Shape { get; }

    /// <summary>The elements, row-major, little-endian.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/>.</summary>
    public long ElementCount { get; }

    /// <summary>Copies <paramref name="values"/> into a new tensor of the dtype matching <typeparamref name="T"/> (float, int, long or byte).</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> has no dtype, or the shape does not hold exactly <c>values.Length</c> elements.</exception>
    public static Tensor From<T>(ReadOnlySpan<T> values, params int[] shape)
        where T : unmanaged
    {
        var dtype = DTypeOf<T>() ?? throw new ArgumentException($"{typeof(T).Name} has no tensor dtype (float, int, long and byte have)");
        var error = Check(dtype, shape, (long)values.Length * ElementSize(dtype), out _);
        if (error is not null) throw new ArgumentException($"{values.Length} values: {error}", nameof(shape));
        return new Tensor(dtype, shape, MemoryMarshal.AsBytes(values).ToArray());
    }

    /// <summary>Size in bytes of one element of <paramref name="dtype"/>.</summary>
    public static int ElementSize(TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => sizeof(float),
        TensorDType.Int32 => sizeof(int),
        TensorDType.Int64 => sizeof(long),
        TensorDType.UInt8 => sizeof(byte),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown tensor dtype"),
    };

    /// <summary>The dtype of elements of type <typeparamref name="T"/>, or null when none.</summary>
    public static TensorDType? DTypeOf<T>()
        where T : unmanaged =>
        typeof(T) == typeof(float) ? TensorDType.Float32
        : typeof(T) == typeof(int) ? TensorDType.Int32
        : typeof(T) == typeof(long) ? TensorDType.Int64
        : typeof(T) == typeof(byte) ? TensorDType.UInt8
        : null;

    /// <summary>The elements viewed as <typeparamref name="T"/> without a copy; <see cref="FormatException"/> unless the dtype is <typeparamref name="T"/>'s.</summary>
    public ReadOnlySpan<T> AsSpan<T>()
        where T : unmanaged
    {
        RequireElementType<T>();
        return MemoryMarshal.Cast<byte, T>(Data.Span);
    }

    /// <summary>Copies the elements into <paramref name="destination"/>; <see cref="FormatException"/> unless the dtype is <typeparamref name="T"/>'s and the lengths are equal.</summary>
    public void CopyTo<T>(Span<T> destination)
        where T : unmanaged
    {
        RequireElementType<T>();
        if (destination.Length != ElementCount)
        {
            throw new FormatException($"tensor {Describe(DType, shape)} has {ElementCount} elements; the destination holds {destination.Length}");
        }

        Data.Span.CopyTo(MemoryMarshal.AsBytes(destination));
    }

    /// <summary>The elements in a new array; <see cref="FormatException"/> unless the dtype is <typeparamref name="T"/>'s.</summary>
    public T[] ToArray<T>()
        where T : unmanaged
    {
        RequireElementType<T>();
        var values = new T[ElementCount];
        Data.Span.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Throws <see cref="FormatException"/>("tensor '<paramref name="name"/>' is Float32 [2,3]; expected ...") unless dtype and shape are as given.</summary>
    public void Expect(string name, TensorDType dtype, params int[] shape)
    {
        var mismatch = Mismatch(name, dtype, shape);
        if (mismatch is not null) throw new FormatException(mismatch);
    }

    /// <inheritdoc/>
    public override string ToString() => Describe(DType, shape);

    /// <summary>Null when dtype and shape are as given, otherwise the message of <see cref="Expect"/>.</summary>
    internal string? Mismatch(string name, TensorDType dtype, int[] shape) =>
        DType == dtype && this.shape.AsSpan().SequenceEqual(shape) ? null
        : $"tensor '{name}' is {Describe(DType, this.shape)}; expected {Describe(dtype, shape)}";

    /// <summary>"Float32 [2,3]".</summary>
    internal static string Describe(TensorDType dtype, IReadOnlyList<int> shape) => $"{dtype} [{string.Join(',', shape)}]";

    /// <summary>
    /// Null when <paramref name="shape"/> of <paramref name="dtype"/> fills exactly <paramref name="byteLength"/>
    /// bytes, otherwise why not. Never overflows: the running product stops growing past 2^31.
    /// </summary>
    internal static string? Check(TensorDType dtype, ReadOnlySpan<int> shape, long byteLength, out long elements)
    {
        elements = 0;
        if (!Enum.IsDefined(dtype)) return $"unknown tensor dtype {(byte)dtype}";
        if (shape.Length > MaxRank) return $"tensor rank {shape.Length} exceeds {MaxRank}";
        long product = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0) return $"tensor dimension {i} is {shape[i]}";
            if (product <= int.MaxValue) product = checked(product * shape[i]);
        }

        if (shape.Contains(0)) product = 0;
        if (product > int.MaxValue) return $"tensor {Describe(dtype, shape.ToArray())} has 2^31 or more elements; {byteLength} bytes given";
        var needed = product * ElementSize(dtype);
        if (needed != byteLength) return $"tensor {Describe(dtype, shape.ToArray())} needs {needed} bytes; {byteLength} given";
        elements = product;
        return null;
    }

    private void RequireElementType<T>()
        where T : unmanaged
    {
        if (DTypeOf<T>() != DType)
        {
            throw new FormatException($"tensor {Describe(DType, shape)} cannot be read as {typeof(T).Name}");
        }
    }
}
