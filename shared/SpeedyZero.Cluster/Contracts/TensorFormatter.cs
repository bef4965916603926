using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>
/// The one custom formatter of the contracts: a <see cref="Tensor"/> is the array
/// [dtype (uint8), shape (array of int), data (bin)], the elements one raw block, never an array of
/// numbers; a null tensor is nil. Reading checks everything before it allocates and copies the
/// data out of the input buffer (which the transport reuses).
/// </summary>
public sealed class TensorFormatter : IMessagePackFormatter<Tensor?>
{
    /// <summary>The instance <see cref="Wire.Options"/> uses.</summary>
    public static readonly TensorFormatter Instance = new();

    /// <inheritdoc/>
    public void Serialize(ref MessagePackWriter writer, Tensor? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteArrayHeader(3);
        writer.Write((byte)value.DType);
        writer.WriteArrayHeader(value.Shape.Count);
        foreach (var dimension in value.Shape) writer.Write(dimension);
        writer.Write(value.Data.Span);
    }

    /// <inheritdoc/>
    public Tensor? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil()) return null;
        options.Security.DepthStep(ref reader);
        try
        {
            var count = reader.ReadArrayHeader();
            if (count != 3) throw new MessagePackSerializationException($"a tensor is [dtype, shape, data]; this array has {count} elements");
            var dtype = (TensorDType)reader.ReadByte();
            if (!Enum.IsDefined(dtype)) throw new MessagePackSerializationException($"unknown tensor dtype {(byte)dtype}");
            var rank = reader.ReadArrayHeader();
            if (rank > Tensor.MaxRank) throw new MessagePackSerializationException($"tensor rank {rank} exceeds {Tensor.MaxRank}");
            Span<int> shape = stackalloc int[rank];
            for (var i = 0; i < rank; i++) shape[i] = reader.ReadInt32();
            if (reader.NextMessagePackType != MessagePackType.Binary)
            {
                throw new MessagePackSerializationException($"tensor data is {reader.NextMessagePackType}; expected one bin block");
            }

            var data = reader.ReadBytes()!.Value;
            var error = Tensor.Check(dtype, shape, data.Length, out _);
            if (error is not null) throw new MessagePackSerializationException(error);
            return new Tensor(dtype, shape, data.ToArray());
        }
        finally
        {
            reader.Depth--;
        }
    }
}
