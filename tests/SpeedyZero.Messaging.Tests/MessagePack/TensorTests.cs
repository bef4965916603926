using SpeedyZero.Messaging.MessagePack;
using static SpeedyZero.Messaging.Tests.MessagePack.MessagePackBytes;

namespace SpeedyZero.Messaging.Tests.MessagePack;

/// <summary>Tensors: every dtype, odd shapes, big blocks, and rejected layouts.</summary>
public sealed class TensorTests
{
    [Fact]
    public void Float32_tensor_round_trips_with_shape()
    {
        var values = Enumerable.Range(0, 24).Select(i => i * 0.5f - 3).ToArray();
        var bytes = Encode((ref MessagePackWriter w) => w.WriteTensor<float>(values, [2, 3, 4]));
        var view = new MessagePackReader(bytes).ReadTensor();
        Assert.Equal(TensorDType.Float32, view.DType);
        Assert.Equal([2, 3, 4], view.GetShape());
        Assert.Equal(values, view.ToArray<float>());
        Assert.Equal(24 * 4 + TensorFormat.HeaderSize(3) + 3, bytes.Length); // ext8 header: 3 bytes
    }

    [Fact]
    public void Every_dtype_round_trips()
    {
        RoundTrip(new[] { 1.5, -2.25, double.MaxValue });
        RoundTrip(new sbyte[] { -128, 0, 127 });
        RoundTrip(new short[] { short.MinValue, 7, short.MaxValue });
        RoundTrip(new[] { int.MinValue, 0, int.MaxValue });
        RoundTrip(new[] { long.MinValue, 42, long.MaxValue });
        RoundTrip(new byte[] { 0, 128, 255 });
        RoundTrip(new[] { true, false, true });
        RoundTrip(new[] { (Half)1.5, (Half)(-0.25), Half.MaxValue });
    }

    [Fact]
    public void Scalar_and_empty_tensors()
    {
        var scalar = Encode((ref MessagePackWriter w) => w.WriteTensor<float>([7f], []));
        var view = new MessagePackReader(scalar).ReadTensor();
        Assert.Equal(0, view.Rank);
        Assert.Equal([7f], view.ToArray<float>());

        var empty = Encode((ref MessagePackWriter w) => w.WriteTensor<int>([], [0, 5]));
        var emptyView = new MessagePackReader(empty).ReadTensor();
        Assert.Equal([0, 5], emptyView.GetShape());
        Assert.Empty(emptyView.ToArray<int>());
    }

    [Fact]
    public void Payload_copies_and_checks_dtype()
    {
        var payload = TensorPayload.From<long>([1, 2, 3, 4, 5, 6], 3, 2);
        Assert.Equal([3, 2], payload.Shape);
        var bytes = Encode((ref MessagePackWriter w) => w.WriteTensor(payload));
        var back = new MessagePackReader(bytes).ReadTensor().ToPayload();
        Assert.Equal(payload.ToArray<long>(), back.ToArray<long>());
        Assert.Throws<InvalidOperationException>(() => back.ToArray<float>());
        Assert.Throws<ArgumentException>(() => TensorPayload.From<float>([1f, 2f], 3));
    }

    [Fact]
    public void Writer_refuses_shape_that_does_not_match_the_data()
    {
        Assert.Throws<ArgumentException>(() => Encode((ref MessagePackWriter w) => w.WriteTensor<float>([1f, 2f, 3f], [2, 2])));
        Assert.Throws<ArgumentException>(() => Encode((ref MessagePackWriter w) => w.WriteTensor<float>([1f], [1, 1, 1, 1, 1, 1, 1, 1, 1])));
    }

    [Fact]
    public void Four_megabyte_tensor_round_trips()
    {
        var values = new float[1 << 20];
        var random = new Random(1);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        var bytes = Encode((ref MessagePackWriter w) => w.WriteTensor<float>(values, [1024, 1024]));
        var back = new float[values.Length];
        new MessagePackReader(bytes).ReadTensor().CopyTo<float>(back);
        Assert.Equal(values, back);
    }

    [Theory]
    [InlineData("c7 04 54 02 01 00 00", "layout version 2")]
    [InlineData("c7 04 54 01 63 00 00", "unknown tensor dtype 99")]
    [InlineData("c7 04 54 01 01 09 00", "rank 9")]
    [InlineData("c7 08 54 01 01 01 00 02 00 00 00", "more than the 0 data bytes")]
    [InlineData("c7 10 54 01 01 01 00 01 00 00 00 00 00 00 00 00 00 00 00", "needs 4 data bytes, found 8")]
    [InlineData("c7 0c 54 01 01 02 00 ff ff ff 7f ff ff ff 7f", "more than the 0 data bytes")]
    [InlineData("c7 08 54 01 01 01 00 ff ff ff ff", "too large")]
    [InlineData("c7 02 54 01 01", "shorter than its header")]
    [InlineData("d6 ff 00 00 00 01", "expected a tensor")]
    public void Bad_tensor_layouts_are_rejected(string hex, string expected)
    {
        var bytes = Hex(hex);
        var error = Assert.Throws<MessagePackDecodeException>(() => new MessagePackReader(bytes).ReadTensor());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static void RoundTrip<T>(T[] values)
        where T : unmanaged
    {
        var bytes = Encode((ref MessagePackWriter w) => w.WriteTensor<T>(values, [values.Length]));
        var view = new MessagePackReader(bytes).ReadTensor();
        Assert.Equal(TensorDTypes.Of<T>(), view.DType);
        Assert.Equal(values, view.ToArray<T>());
    }
}
