namespace SpeedyZero.Cluster.Tests.Contracts;

using System.Buffers;
using System.Runtime.InteropServices;
using MessagePack;
using SpeedyZero.Cluster.Contracts;

/// <summary>Tensors: construction, typed reads, shape checks, and the one formatter's bytes and rejections.</summary>
public class TensorTests
{
    private static byte[] Serialize(Tensor? tensor) => MessagePackSerializer.Serialize(tensor, Wire.Options);

    private static Tensor? Deserialize(byte[] bytes) => MessagePackSerializer.Deserialize<Tensor?>(bytes, Wire.Options);

    /// <summary>Writes a tensor by hand: an array of <paramref name="arrayLength"/> holding dtype, shape and data.</summary>
    private static byte[] Raw(int arrayLength, byte dtype, int[] shape, byte[] data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(arrayLength);
        writer.Write(dtype);
        writer.WriteArrayHeader(shape.Length);
        foreach (var d in shape) writer.Write(d);
        writer.Write(data);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void From_maps_each_element_type_to_its_dtype_and_reads_back_the_same_values()
    {
        var floats = Tensor.From<float>([1.5f, -2f, float.NaN, float.MaxValue, 0f, 1e-30f], 2, 3);
        Assert.Equal(TensorDType.Float32, floats.DType);
        Assert.Equal([2, 3], floats.Shape);
        Assert.Equal(6, floats.ElementCount);
        Assert.Equal(24, floats.Data.Length);
        Assert.Equal([1.5f, -2f, float.NaN, float.MaxValue, 0f, 1e-30f], floats.ToArray<float>());

        Assert.Equal(TensorDType.Int32, Tensor.From<int>([int.MinValue, 0, int.MaxValue], 3).DType);
        Assert.Equal([long.MinValue, -1, long.MaxValue], Tensor.From<long>([long.MinValue, -1, long.MaxValue], 3).ToArray<long>());
        var bytes = Tensor.From<byte>([0, 255, 7, 8], 2, 1, 2);
        Assert.Equal(TensorDType.UInt8, bytes.DType);
        Assert.Equal([0, 255, 7, 8], bytes.ToArray<byte>());
    }

    [Fact]
    public void The_data_is_little_endian_row_major_bytes()
    {
        var tensor = Tensor.From<int>([0x01020304, 0x0A0B0C0D], 2);
        Assert.Equal(new byte[] { 4, 3, 2, 1, 0x0D, 0x0C, 0x0B, 0x0A }, tensor.Data.ToArray());
    }

    [Fact]
    public void Scalars_and_empty_tensors_are_allowed()
    {
        var scalar = Tensor.From<long>([42], []);
        Assert.Empty(scalar.Shape);
        Assert.Equal(1, scalar.ElementCount);
        var empty = Tensor.From<float>([], 0, 5);
        Assert.Equal(0, empty.ElementCount);
        Assert.Equal([0, 5], Deserialize(Serialize(empty))!.Shape);
        Assert.Equal([42L], Deserialize(Serialize(scalar))!.ToArray<long>());
    }

    [Fact]
    public void From_refuses_a_shape_that_does_not_hold_the_values_an_unsupported_type_and_too_many_dimensions()
    {
        Assert.Contains("needs 20 bytes; 24 given", Assert.Throws<ArgumentException>(() => Tensor.From<float>([1, 2, 3, 4, 5, 6], 5)).Message);
        Assert.Contains("dimension 1 is -2", Assert.Throws<ArgumentException>(() => Tensor.From<float>([], 0, -2)).Message);
        Assert.Contains("Double", Assert.Throws<ArgumentException>(() => Tensor.From<double>([1.0], 1)).Message);
        Assert.Contains("rank 9", Assert.Throws<ArgumentException>(() => Tensor.From<byte>([1], 1, 1, 1, 1, 1, 1, 1, 1, 1)).Message);
        Assert.Throws<ArgumentException>(() => new Tensor((TensorDType)9, [1], new byte[1]));
        Assert.Throws<ArgumentException>(() => new Tensor(TensorDType.Int64, [1], new byte[4]));
    }

    [Fact]
    public void From_copies_the_values_so_later_changes_to_the_source_do_not_show()
    {
        var values = new float[] { 1, 2 };
        var tensor = Tensor.From<float>(values, 2);
        values[0] = 99;
        Assert.Equal([1f, 2f], tensor.ToArray<float>());
    }

    [Fact]
    public void CopyTo_and_ToArray_refuse_another_element_type_or_length_naming_the_mismatch()
    {
        var tensor = Tensor.From<float>([1, 2, 3, 4, 5, 6], 2, 3);
        Assert.Contains("Float32 [2,3] cannot be read as Int32", Assert.Throws<FormatException>(() => tensor.ToArray<int>()).Message);
        Assert.Contains("cannot be read as Int64", Assert.Throws<FormatException>(() => tensor.CopyTo<long>(new long[6])).Message);
        Assert.Contains("has 6 elements; the destination holds 5", Assert.Throws<FormatException>(() => tensor.CopyTo<float>(new float[5])).Message);
        Assert.Contains("destination holds 7", Assert.Throws<FormatException>(() => tensor.CopyTo<float>(new float[7])).Message);
        var destination = new float[6];
        tensor.CopyTo<float>(destination);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], destination);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], tensor.AsSpan<float>().ToArray());
        Assert.Throws<FormatException>(() => tensor.AsSpan<byte>().Length);
    }

    [Fact]
    public void Expect_names_the_tensor_its_actual_and_its_expected_dtype_and_shape()
    {
        var tensor = Tensor.From<float>([1, 2, 3, 4, 5, 6], 2, 3);
        tensor.Expect("x", TensorDType.Float32, 2, 3);
        Assert.Equal("tensor 'x' is Float32 [2,3]; expected Float32 [3,2]",
            Assert.Throws<FormatException>(() => tensor.Expect("x", TensorDType.Float32, 3, 2)).Message);
        Assert.Equal("tensor 'x' is Float32 [2,3]; expected Int32 [2,3]",
            Assert.Throws<FormatException>(() => tensor.Expect("x", TensorDType.Int32, 2, 3)).Message);
        Assert.Contains("expected Float32 [6]", Assert.Throws<FormatException>(() => tensor.Expect("x", TensorDType.Float32, 6)).Message);
    }

    [Fact]
    public void A_float_tensor_is_one_bin_block_after_a_few_header_bytes_never_an_array_of_numbers()
    {
        var values = Enumerable.Range(0, 1000).Select(i => i * 0.5f - 3f).ToArray();
        var encoded = Serialize(Tensor.From<float>(values, 10, 100));

        // [fixarray 3] [dtype 1] [fixarray 2] [10] [100] [bin16 0x0FA0] then the 4000 raw bytes.
        byte[] header = [0x93, 0x01, 0x92, 0x0A, 0x64, 0xC5, 0x0F, 0xA0];
        Assert.Equal(header.Length + 4000, encoded.Length);
        Assert.Equal(header, encoded[..header.Length]);
        Assert.Equal(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), encoded[header.Length..]);
    }

    [Fact]
    public void A_tensor_over_64_KiB_uses_a_bin32_header()
    {
        var encoded = Serialize(Tensor.From<long>(new long[10_000], 10_000));
        var bin = Array.IndexOf(encoded, (byte)0xC6);
        Assert.InRange(bin, 0, 10);
        Assert.Equal(bin + 5 + 80_000, encoded.Length);
        Assert.Equal(80_000, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(encoded.AsSpan(bin + 1)));
    }

    [Fact]
    public void Decoding_copies_the_data_out_of_the_input_buffer()
    {
        var encoded = Serialize(Tensor.From<byte>([1, 2, 3], 3));
        var tensor = Deserialize(encoded)!;
        encoded.AsSpan().Fill(0xEE);
        Assert.Equal([1, 2, 3], tensor.ToArray<byte>());
    }

    [Fact]
    public void A_null_tensor_is_nil()
    {
        Assert.Equal(new byte[] { 0xC0 }, Serialize(null));
        Assert.Null(Deserialize([0xC0]));
    }

    public static TheoryData<string, byte[]> MalformedTensors() => new()
    {
        { "4 elements", Raw(4, 1, [1], new byte[4]) },
        { "2 elements", Raw(2, 1, [1], new byte[4]) },
        { "unknown tensor dtype 0", Raw(3, 0, [1], new byte[4]) },
        { "unknown tensor dtype 5", Raw(3, 5, [1], new byte[4]) },
        { "rank 9 exceeds 8", Raw(3, 4, [1, 1, 1, 1, 1, 1, 1, 1, 1], new byte[1]) },
        { "dimension 1 is -1", Raw(3, 4, [1, -1], new byte[1]) },
        { "needs 8 bytes; 7 given", Raw(3, 2, [2], new byte[7]) },
        { "needs 8 bytes; 9 given", Raw(3, 2, [2], new byte[9]) },
        { "2^31 or more elements", Raw(3, 4, [int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue], new byte[1]) },
        { "2^31 or more elements", Raw(3, 3, [65536, 65536], []) },
        { "needs 0 bytes; 4 given", Raw(3, 1, [int.MaxValue, 0, int.MaxValue], new byte[4]) },
        { "expected one bin block", [0x93, 0x01, 0x91, 0x01, 0xA4, 1, 2, 3, 4] },
        { "expected one bin block", [0x93, 0x01, 0x91, 0x04, 0x94, 0x01, 0x02, 0x03, 0x04] },
        { "expected one bin block", [0x93, 0x01, 0x91, 0x01, 0xC0] },
        { "", [0x93, 0x01, 0x91, 0xA1, 0x31, 0xC4, 0x04, 1, 2, 3, 4] },
        { "", [0x93, 0xCD, 0x01, 0x00, 0x91, 0x01, 0xC4, 0x04, 1, 2, 3, 4] },
        { "", [0x93, 0x01, 0x91, 0xCE, 0x80, 0x00, 0x00, 0x00, 0xC4, 0x00] },
        { "", [0x93, 0x01, 0x91, 0x01, 0xC6, 0x80, 0x00, 0x00, 0x00, 1, 2, 3, 4] },
        { "", [0x93, 0x01, 0xDD, 0x80, 0x00, 0x00, 0x00, 0x01] },
        { "", [0x93, 0x01, 0x91, 0x01, 0xC4, 0x04, 1, 2] },
        { "", [0xDD, 0x7F, 0xFF, 0xFF, 0xFF, 0x01] },
        { "", [0x81, 0x01, 0x02] },
    };

    [Theory]
    [MemberData(nameof(MalformedTensors))]
    public void The_formatter_rejects_a_malformed_tensor_before_allocating_its_claims(string reason, byte[] bytes)
    {
        var error = Assert.Throws<MessagePackSerializationException>(() => Deserialize(bytes));
        var innermost = error.InnerException ?? error;
        Assert.Contains(reason, innermost.Message);
    }
}
