using System.Buffers;
using SpeedyZero.Messaging.MessagePack;
using static SpeedyZero.Messaging.Tests.MessagePack.MessagePackBytes;

namespace SpeedyZero.Messaging.Tests.MessagePack;

/// <summary>Every type written then read back, boundary values included; status codes of layer 1.</summary>
public sealed class MessagePackRoundTripTests
{
    public static TheoryData<long> Int64Boundaries => new()
    {
        long.MinValue, int.MinValue - 1L, int.MinValue, short.MinValue - 1, short.MinValue, sbyte.MinValue - 1, sbyte.MinValue,
        -33, -32, -1, 0, 1, 127, 128, 255, 256, ushort.MaxValue, ushort.MaxValue + 1, uint.MaxValue, uint.MaxValue + 1L, long.MaxValue,
    };

    [Theory]
    [MemberData(nameof(Int64Boundaries))]
    public void Int64_round_trips(long value)
    {
        var bytes = Encode((ref MessagePackWriter w) => w.Write(value));
        var reader = new MessagePackReader(bytes);
        Assert.Equal(value, reader.ReadInt64());
        Assert.True(reader.End);
    }

    [Fact]
    public void Unsigned_signed_and_32_bit_range_checks()
    {
        var max = Encode((ref MessagePackWriter w) => w.Write(ulong.MaxValue));
        Assert.Equal(ulong.MaxValue, new MessagePackReader(max).ReadUInt64());
        Assert.Throws<MessagePackDecodeException>(() => new MessagePackReader(max).ReadInt64());
        var negative = Encode((ref MessagePackWriter w) => w.Write(-5L));
        Assert.Throws<MessagePackDecodeException>(() => new MessagePackReader(negative).ReadUInt64());
        var big = Encode((ref MessagePackWriter w) => w.Write(1L << 40));
        Assert.Throws<MessagePackDecodeException>(() => new MessagePackReader(big).ReadInt32());
        Assert.Equal(int.MinValue, new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write((long)int.MinValue))).ReadInt32());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.Epsilon)]
    [InlineData(double.MaxValue)]
    [InlineData(double.MinValue)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    [InlineData(Math.PI)]
    public void Floats_round_trip_bit_exactly(double value)
    {
        var reader = new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write(value)));
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(reader.ReadDouble()));
        var single = (float)value;
        var singleReader = new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write(single)));
        Assert.Equal(BitConverter.SingleToInt32Bits(single), BitConverter.SingleToInt32Bits(singleReader.ReadSingle()));
    }

    [Fact]
    public void Nested_containers_strings_nil_and_skip()
    {
        var bytes = Encode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(4);
            w.WriteNil();
            w.Write((string?)null);
            w.WriteMapHeader(2);
            w.Write("k");
            w.WriteArrayHeader(2);
            w.Write(true);
            w.Write(new MessagePackTimestamp(5, 6));
            w.Write(7L);
            w.WriteBinary([1, 2]);
            w.Write("tail ✓");
        });
        var r = new MessagePackReader(bytes);
        Assert.Equal(4, r.ReadArrayHeader());
        Assert.True(r.TryReadNil());
        Assert.Null(r.ReadString());
        Assert.Equal(MessagePackType.Map, r.NextType);
        r.Skip();
        Assert.Equal("tail ✓", r.ReadString());
        Assert.True(r.End);
    }

    [Fact]
    public void DateTimeOffset_round_trips_to_the_tick()
    {
        var now = new DateTimeOffset(2026, 11, 20, 12, 34, 56, TimeSpan.Zero).AddTicks(1234567);
        var bytes = Encode((ref MessagePackWriter w) => w.Write(now));
        Assert.Equal(now, new MessagePackReader(bytes).ReadTimestamp().ToDateTimeOffset());
        var before1970 = new DateTimeOffset(1960, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(3);
        Assert.Equal(before1970, new MessagePackReader(Encode((ref MessagePackWriter w) => w.Write(before1970))).ReadTimestamp().ToDateTimeOffset());
    }

    [Fact]
    public void Primitives_tell_incomplete_from_mismatch_from_malformed()
    {
        Assert.Equal(MessagePackStatus.Incomplete, MessagePackPrimitives.TryReadInt64(Hex("cd 01"), out _, out var needed));
        Assert.Equal(3, needed);
        Assert.Equal(MessagePackStatus.Incomplete, MessagePackPrimitives.TryReadInt64([], out _, out needed));
        Assert.Equal(1, needed);
        Assert.Equal(MessagePackStatus.TypeMismatch, MessagePackPrimitives.TryReadInt64(Hex("a1 61"), out _, out _));
        Assert.Equal(MessagePackStatus.Malformed, MessagePackPrimitives.TryReadInt64(Hex("c1"), out _, out _));
        Assert.Equal(MessagePackStatus.OutOfRange, MessagePackPrimitives.TryReadInt64(Hex("cf ff ff ff ff ff ff ff ff"), out _, out _));
        Assert.Equal(MessagePackStatus.Incomplete, MessagePackPrimitives.TryReadExtensionHeader(Hex("c9 00 00"), out _, out _, out needed));
        Assert.Equal(6, needed);
        Assert.Equal(MessagePackStatus.Ok, MessagePackPrimitives.TryReadStringHeader(Hex("db 00 00 00 09"), out var length, out var size));
        Assert.Equal((9u, 5), (length, size));
    }

    [Fact]
    public void Measure_frames_a_stream_of_values()
    {
        var one = Encode((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write("abc"); w.Write(300L); });
        var two = one.Concat(one).ToArray();
        Assert.Equal(MessagePackStatus.Ok, MessagePackCodec.TryMeasure(two, out var length));
        Assert.Equal(one.Length, length);
        Assert.Equal(MessagePackStatus.Incomplete, MessagePackCodec.TryMeasure(one.AsSpan(0, one.Length - 1), out _));
        Assert.Equal(MessagePackStatus.Malformed, MessagePackCodec.TryMeasure(Hex("92 c1 00"), out _));
    }

    [Fact]
    public void Lengths_beyond_the_input_are_refused_before_allocating()
    {
        var error = Assert.Throws<MessagePackDecodeException>(() => new MessagePackReader(Hex("dd ff ff ff ff 00")).ReadArrayHeader());
        Assert.True(error.IsIncomplete);
        Assert.Equal(0, error.Offset);
        Assert.Throws<MessagePackDecodeException>(() => new MessagePackReader(Hex("df 7f ff ff ff 00 00")).ReadMapHeader());
        Assert.Throws<MessagePackDecodeException>(() => new MessagePackReader(Hex("c6 ff ff ff ff 00")).ReadBinary());
        Assert.Throws<MessagePackDecodeException>(() => new MessagePackReader(Hex("db 7f ff ff ff")).ReadString());
        Assert.Throws<MessagePackDecodeException>(() => new MessagePackReader(Hex("c9 7f ff ff ff 54")).ReadTensor());
    }

    [Fact]
    public void Nesting_depth_is_capped()
    {
        var deep = Enumerable.Repeat((byte)0x91, 200).Append((byte)0x00).ToArray();
        var error = Assert.Throws<MessagePackDecodeException>(() => new MessagePackReader(deep).Skip());
        Assert.Contains("nested deeper than 64", error.Message, StringComparison.Ordinal);
        new MessagePackReader(deep, maxDepth: 300).Skip();
    }

    [Fact]
    public void Errors_carry_the_offset_of_the_bad_token()
    {
        var error = Assert.Throws<MessagePackDecodeException>(() =>
        {
            var reader = new MessagePackReader(Hex("93 01 02 c1"));
            reader.ReadArrayHeader();
            reader.ReadInt64();
            reader.ReadInt64();
            reader.ReadInt64();
        });
        Assert.Equal(3, error.Offset);
        Assert.Contains("0xc1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multi_segment_sequence_decodes_like_a_span()
    {
        var message = new SpeedyZero.Messaging.Messages.PriorityUpdateMessage { Step = 3, Ids = [1, 2, 3], Priorities = [0.5f, 1f, 2f] };
        var bytes = MessagePackCodec.Serialize(message, SpeedyZero.Messaging.MessagePack.Formatters.PriorityUpdateMessageFormatter.Instance);
        var first = new Segment(bytes.AsMemory(0, 7));
        var last = first.Append(bytes.AsMemory(7));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        var back = MessagePackCodec.Deserialize(sequence, SpeedyZero.Messaging.MessagePack.Formatters.PriorityUpdateMessageFormatter.Instance);
        Assert.Equal(message.Ids, back.Ids);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
