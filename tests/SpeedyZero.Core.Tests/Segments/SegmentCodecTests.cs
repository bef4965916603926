using FsCheck;
using FsCheck.Fluent;
using SpeedyZero.Core.Segments;
using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Tests.Segments;

public class SegmentCodecTests
{
    private static Segment Sample(ObservationEncoding encoding, int observationSize, int actions, int history, int transitions, EpisodeEnd end, int seed)
    {
        var random = new Random(seed);
        var steps = transitions + (end == EpisodeEnd.None ? 0 : 1);
        var bytesPer = ObservationCodec.EncodedSize(encoding, observationSize);
        var observations = new byte[(history + steps) * bytesPer];
        var raw = new float[observationSize];
        for (var s = 0; s < history + steps; s++)
        {
            for (var i = 0; i < observationSize; i++)
            {
                raw[i] = encoding switch
                {
                    ObservationEncoding.Bits => random.Next(2),
                    ObservationEncoding.Bytes => random.Next(256),
                    _ => (float)(random.NextDouble() * 200 - 100),
                };
            }

            ObservationCodec.Encode(encoding, raw, observations.AsSpan(s * bytesPer, bytesPer));
        }

        var policies = new float[transitions * actions];
        for (var i = 0; i < policies.Length; i++) policies[i] = (float)random.NextDouble();
        return new Segment(random.NextInt64(), encoding, observationSize, actions, history, Math.Max(1, transitions - 2), end, observations,
            Enumerable.Range(0, transitions).Select(_ => random.Next(actions)).ToArray(),
            Enumerable.Range(0, transitions).Select(_ => (float)random.NextDouble()).ToArray(),
            Enumerable.Range(0, transitions).Select(_ => (float)random.NextDouble()).ToArray(),
            policies);
    }

    private static void AssertSame(Segment a, Segment b)
    {
        Assert.Equal(a.Id, b.Id);
        Assert.Equal(a.Encoding, b.Encoding);
        Assert.Equal(a.ObservationSize, b.ObservationSize);
        Assert.Equal(a.ActionCount, b.ActionCount);
        Assert.Equal(a.HistoryFrames, b.HistoryFrames);
        Assert.Equal(a.Positions, b.Positions);
        Assert.Equal(a.End, b.End);
        Assert.True(a.EncodedObservations.SequenceEqual(b.EncodedObservations));
        Assert.True(a.Actions.SequenceEqual(b.Actions));
        Assert.True(a.Rewards.SequenceEqual(b.Rewards));
        Assert.True(a.RootValues.SequenceEqual(b.RootValues));
        Assert.True(a.Policies.SequenceEqual(b.Policies));
    }

    [Fact]
    public void Round_trips_any_segment()
    {
        var shapes =
            from encoding in Gen.Choose(0, 2)
            from observationSize in Gen.Choose(1, 40)
            from actions in Gen.Choose(1, 20)
            from history in Gen.Choose(0, 3)
            from transitions in Gen.Choose(3, 30)
            from end in Gen.Choose(0, 2)
            select (encoding, observationSize, actions, history, transitions, end);
        var property = Prop.ForAll(shapes.ToArbitrary(), shape =>
        {
            var (encoding, observationSize, actions, history, transitions, end) = shape;
            var segment = Sample((ObservationEncoding)encoding, observationSize, actions, history, transitions, (EpisodeEnd)end, observationSize * 31 + transitions);
            var bytes = SegmentCodec.Encode(segment);
            Assert.Equal(SegmentCodec.EncodedLength(segment), bytes.Length);
            AssertSame(segment, SegmentCodec.Decode(bytes));
        });
        Check.QuickThrowOnFailure(property);
    }

    [Theory]
    [InlineData(ObservationEncoding.Bits, 10 * 10 * 4, 50)]
    [InlineData(ObservationEncoding.Bytes, 96, 96)]
    [InlineData(ObservationEncoding.Float32, 4, 16)]
    public void Observations_round_trip_and_bits_are_compact(ObservationEncoding encoding, int size, int expectedBytes)
    {
        var random = new Random(size);
        var observation = Enumerable.Range(0, size).Select(_ => encoding switch
        {
            ObservationEncoding.Bits => (float)random.Next(2),
            ObservationEncoding.Bytes => random.Next(256),
            _ => (float)random.NextDouble(),
        }).ToArray();
        Assert.Equal(expectedBytes, ObservationCodec.EncodedSize(encoding, size));
        var bytes = new byte[expectedBytes];
        ObservationCodec.Encode(encoding, observation, bytes);
        var back = new float[size];
        ObservationCodec.Decode(encoding, bytes, back);
        Assert.Equal(observation, back);
    }

    [Fact]
    public void Every_truncation_is_incomplete()
    {
        var bytes = SegmentCodec.Encode(Sample(ObservationEncoding.Bits, 20, 3, 1, 6, EpisodeEnd.Terminated, 1));
        for (var length = 0; length < bytes.Length; length++)
        {
            var status = SegmentCodec.TryDecode(bytes.AsSpan(0, length), out var segment, out var offset, out var message);
            Assert.Equal(SegmentDecodeStatus.Incomplete, status);
            Assert.Null(segment);
            Assert.Equal(length, offset);
            Assert.NotEmpty(message);
        }
    }

    [Theory]
    [InlineData(0, (byte)'X', 0)]     // magic
    [InlineData(4, (byte)9, 4)]       // version
    [InlineData(5, (byte)7, 5)]       // encoding
    [InlineData(6, (byte)3, 6)]       // episode end
    [InlineData(7, (byte)1, 7)]       // reserved
    [InlineData(20, (byte)0, 20)]     // action count 0 (low byte of 3)
    [InlineData(31, (byte)0x7F, 28)]  // positions huge
    [InlineData(35, (byte)0x7F, 32)]  // transitions huge
    public void Malformed_headers_name_their_offset(int index, byte value, int expectedOffset)
    {
        var bytes = SegmentCodec.Encode(Sample(ObservationEncoding.Float32, 2, 3, 0, 5, EpisodeEnd.None, 2));
        bytes[index] = value;
        var error = Assert.Throws<SegmentFormatException>(() => SegmentCodec.Decode(bytes));
        Assert.Equal(SegmentDecodeStatus.Malformed, error.Status);
        Assert.Equal(expectedOffset, error.Offset);
    }

    [Fact]
    public void Trailing_bytes_and_bad_actions_are_malformed()
    {
        var segment = Sample(ObservationEncoding.Float32, 2, 3, 0, 5, EpisodeEnd.None, 3);
        var bytes = SegmentCodec.Encode(segment);
        var longer = bytes.Concat(new byte[] { 0 }).ToArray();
        Assert.Equal(SegmentDecodeStatus.Malformed, SegmentCodec.TryDecode(longer, out _, out var offset, out _));
        Assert.Equal(bytes.Length, offset);

        var actionsAt = SegmentCodec.HeaderSize + segment.EncodedObservations.Length;
        bytes[actionsAt + 4] = 3; // second action = 3, outside [0, 3)
        bytes[actionsAt + 5] = bytes[actionsAt + 6] = bytes[actionsAt + 7] = 0;
        var error = Assert.Throws<SegmentFormatException>(() => SegmentCodec.Decode(bytes));
        Assert.Equal(actionsAt + 4, error.Offset);
    }

    [Fact]
    public void Segments_check_their_parts()
    {
        Assert.Throws<ArgumentException>(() => new Segment(1, ObservationEncoding.Float32, 2, 2, 0, 1, EpisodeEnd.None,
            new byte[8 * 2], [0, 1], [0f, 0f], [0f, 0f], new float[3]));
        Assert.Throws<ArgumentException>(() => new Segment(1, ObservationEncoding.Float32, 2, 2, 0, 1, EpisodeEnd.Terminated,
            new byte[8 * 2], [0, 1], [0f, 0f], [0f, 0f], new float[4]));
    }
}
