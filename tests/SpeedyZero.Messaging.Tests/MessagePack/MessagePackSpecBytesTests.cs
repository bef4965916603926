using SpeedyZero.Messaging.MessagePack;
using static SpeedyZero.Messaging.Tests.MessagePack.MessagePackBytes;

namespace SpeedyZero.Messaging.Tests.MessagePack;

/// <summary>Encodings written out by hand from the MessagePack spec's format table.</summary>
public sealed class MessagePackSpecBytesTests
{
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(127L, "7f")]
    [InlineData(128L, "cc 80")]
    [InlineData(255L, "cc ff")]
    [InlineData(256L, "cd 01 00")]
    [InlineData(65535L, "cd ff ff")]
    [InlineData(65536L, "ce 00 01 00 00")]
    [InlineData(4294967295L, "ce ff ff ff ff")]
    [InlineData(4294967296L, "cf 00 00 00 01 00 00 00 00")]
    [InlineData(long.MaxValue, "cf 7f ff ff ff ff ff ff ff")]
    [InlineData(-1L, "ff")]
    [InlineData(-32L, "e0")]
    [InlineData(-33L, "d0 df")]
    [InlineData(-128L, "d0 80")]
    [InlineData(-129L, "d1 ff 7f")]
    [InlineData(-32768L, "d1 80 00")]
    [InlineData(-32769L, "d2 ff ff 7f ff")]
    [InlineData(-2147483648L, "d2 80 00 00 00")]
    [InlineData(-2147483649L, "d3 ff ff ff ff 7f ff ff ff")]
    [InlineData(long.MinValue, "d3 80 00 00 00 00 00 00 00")]
    public void Integers_use_the_smallest_form(long value, string hex)
    {
        var bytes = Encode((ref MessagePackWriter w) => w.Write(value));
        Assert.Equal(Hex(hex), bytes);
        var reader = new MessagePackReader(bytes);
        Assert.Equal(value, reader.ReadInt64());
        Assert.True(reader.End);
    }

    [Fact]
    public void Uint64_max_and_scalars()
    {
        Assert.Equal(Hex("cf ff ff ff ff ff ff ff ff"), Encode((ref MessagePackWriter w) => w.Write(ulong.MaxValue)));
        Assert.Equal(Hex("c0"), Encode((ref MessagePackWriter w) => w.WriteNil()));
        Assert.Equal(Hex("c3 c2"), Encode((ref MessagePackWriter w) => { w.Write(true); w.Write(false); }));
        Assert.Equal(Hex("ca 3f c0 00 00"), Encode((ref MessagePackWriter w) => w.Write(1.5f)));
        Assert.Equal(Hex("cb 3f f8 00 00 00 00 00 00"), Encode((ref MessagePackWriter w) => w.Write(1.5)));
        Assert.Equal(Hex("a0"), Encode((ref MessagePackWriter w) => w.Write("")));
        Assert.Equal(Hex("a3 61 c3 a9"), Encode((ref MessagePackWriter w) => w.Write("aé")));
    }

    [Theory]
    [InlineData(31, "bf")]
    [InlineData(32, "d9 20")]
    [InlineData(255, "d9 ff")]
    [InlineData(256, "da 01 00")]
    [InlineData(65535, "da ff ff")]
    [InlineData(65536, "db 00 01 00 00")]
    public void String_headers(int length, string header)
    {
        var text = new string('x', length);
        var bytes = Encode((ref MessagePackWriter w) => w.Write(text));
        Assert.Equal(Hex(header), bytes[..Hex(header).Length]);
        Assert.Equal(Hex(header).Length + length, bytes.Length);
        Assert.Equal(text, new MessagePackReader(bytes).ReadString());
    }

    [Theory]
    [InlineData(0, "c4 00")]
    [InlineData(255, "c4 ff")]
    [InlineData(256, "c5 01 00")]
    [InlineData(65536, "c6 00 01 00 00")]
    public void Binary_headers(int length, string header)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var bytes = Encode((ref MessagePackWriter w) => w.WriteBinary(data));
        Assert.Equal(Hex(header), bytes[..Hex(header).Length]);
        Assert.Equal(data, new MessagePackReader(bytes).ReadBinary().ToArray());
    }

    [Theory]
    [InlineData(0, "90", "80")]
    [InlineData(15, "9f", "8f")]
    [InlineData(16, "dc 00 10", "de 00 10")]
    [InlineData(65535, "dc ff ff", "de ff ff")]
    [InlineData(65536, "dd 00 01 00 00", "df 00 01 00 00")]
    public void Array_and_map_headers(int count, string arrayHex, string mapHex)
    {
        Assert.Equal(Hex(arrayHex), Encode((ref MessagePackWriter w) => w.WriteArrayHeader(count)));
        Assert.Equal(Hex(mapHex), Encode((ref MessagePackWriter w) => w.WriteMapHeader(count)));
    }

    [Theory]
    [InlineData(1, "d4 05")]
    [InlineData(2, "d5 05")]
    [InlineData(4, "d6 05")]
    [InlineData(8, "d7 05")]
    [InlineData(16, "d8 05")]
    [InlineData(3, "c7 03 05")]
    [InlineData(0, "c7 00 05")]
    [InlineData(256, "c8 01 00 05")]
    [InlineData(65536, "c9 00 01 00 00 05")]
    public void Extension_headers(int length, string header)
    {
        var data = new byte[length];
        Array.Fill(data, (byte)0xab);
        var bytes = Encode((ref MessagePackWriter w) => w.WriteExtension(5, data));
        Assert.Equal(Hex(header), bytes[..Hex(header).Length]);
        var reader = new MessagePackReader(bytes);
        Assert.Equal(data, reader.ReadExtension(out var type).ToArray());
        Assert.Equal(5, type);
    }

    [Theory]
    [InlineData(1L, 0u, "d6 ff 00 00 00 01")]
    [InlineData(4294967295L, 0u, "d6 ff ff ff ff ff")]
    [InlineData(1L, 1u, "d7 ff 00 00 00 04 00 00 00 01")]
    [InlineData(4294967296L, 0u, "d7 ff 00 00 00 01 00 00 00 00")]
    [InlineData(17179869183L, 999999999u, "d7 ff ee 6b 27 ff ff ff ff ff")]
    [InlineData(17179869184L, 0u, "c7 0c ff 00 00 00 00 00 00 00 04 00 00 00 00")]
    [InlineData(-1L, 500u, "c7 0c ff 00 00 01 f4 ff ff ff ff ff ff ff ff")]
    public void Timestamps_use_32_64_or_96_bit_forms(long seconds, uint nanoseconds, string hex)
    {
        var value = new MessagePackTimestamp(seconds, nanoseconds);
        var bytes = Encode((ref MessagePackWriter w) => w.Write(value));
        Assert.Equal(Hex(hex), bytes);
        Assert.Equal(value, new MessagePackReader(bytes).ReadTimestamp());
    }

    [Fact]
    public void Tensor_layout_is_the_documented_one()
    {
        var bytes = Encode((ref MessagePackWriter w) => w.WriteTensor<float>([1f, -2f], [2, 1]));
        // ext8, 20 bytes, type 84; version 1, float32, rank 2, reserved; dims 2 and 1 LE; 1.0f and -2.0f LE.
        Assert.Equal(Hex("c7 14 54 01 01 02 00 02 00 00 00 01 00 00 00 00 00 80 3f 00 00 00 c0"), bytes);
    }
}
