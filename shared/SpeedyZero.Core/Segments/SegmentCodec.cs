using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Segments;

/// <summary>
/// The byte form of a <see cref="Segment"/>, for shipping and storing: a fixed little-endian
/// header, then the encoded observations and the per-step arrays as raw little-endian blocks.
/// <code>
///  0  "SZSG" magic        4  version (1)   5  observation encoding   6  episode end   7  0
///  8  id (int64)         16  observation size  20  action count  24  history frames
/// 28  positions          32  transitions   (int32 each)
/// 36  observations [(history + steps) x bytes per observation]
///     actions int32 [transitions], rewards float32 [transitions], root values float32 [transitions],
///     policies float32 [transitions x action count]
/// </code>
/// Every length read is capped before anything is allocated; trailing bytes are malformed.
/// </summary>
public static class SegmentCodec
{
    /// <summary>Layout version written and accepted.</summary>
    public const byte Version = 1;

    /// <summary>Bytes before the observation block.</summary>
    public const int HeaderSize = 36;

    /// <summary>Largest observation size accepted (floats).</summary>
    public const int MaxObservationSize = 1 << 24;

    /// <summary>Largest action count accepted.</summary>
    public const int MaxActionCount = 1 << 16;

    /// <summary>Largest step count (history, transitions) accepted.</summary>
    public const int MaxSteps = 1 << 20;

    private static ReadOnlySpan<byte> Magic => "SZSG"u8;

    /// <summary>Exact byte length of <paramref name="segment"/>'s form.</summary>
    public static int EncodedLength(Segment segment) =>
        checked((int)BodyLength(segment.BytesPerObservation, segment.HistoryFrames + segment.Steps, segment.Transitions, segment.ActionCount));

    /// <summary>Writes the byte form into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Encode(Segment segment, Span<byte> destination)
    {
        var length = EncodedLength(segment);
        if (destination.Length < length) throw new ArgumentException($"destination holds {destination.Length} bytes, need {length}", nameof(destination));
        Magic.CopyTo(destination);
        destination[4] = Version;
        destination[5] = (byte)segment.Encoding;
        destination[6] = (byte)segment.End;
        destination[7] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], segment.Id);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], segment.ObservationSize);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], segment.ActionCount);
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], segment.HistoryFrames);
        BinaryPrimitives.WriteInt32LittleEndian(destination[28..], segment.Positions);
        BinaryPrimitives.WriteInt32LittleEndian(destination[32..], segment.Transitions);
        var at = HeaderSize;
        segment.EncodedObservations.CopyTo(destination[at..]);
        at += segment.EncodedObservations.Length;
        at += WriteBlock(MemoryMarshal.AsBytes(segment.Actions), destination[at..], 4);
        at += WriteBlock(MemoryMarshal.AsBytes(segment.Rewards), destination[at..], 4);
        at += WriteBlock(MemoryMarshal.AsBytes(segment.RootValues), destination[at..], 4);
        at += WriteBlock(MemoryMarshal.AsBytes(segment.Policies), destination[at..], 4);
        return at;
    }

    /// <summary>The byte form in a new array.</summary>
    public static byte[] Encode(Segment segment)
    {
        var bytes = new byte[EncodedLength(segment)];
        Encode(segment, bytes);
        return bytes;
    }

    /// <summary>Reads a segment; throws <see cref="SegmentFormatException"/> with the offending offset.</summary>
    public static Segment Decode(ReadOnlySpan<byte> source)
    {
        var status = TryDecode(source, out var segment, out var offset, out var message);
        return status == SegmentDecodeStatus.Ok ? segment! : throw new SegmentFormatException(status, offset, message);
    }

    /// <summary>Reads a segment, telling incomplete input apart from malformed input.</summary>
    public static SegmentDecodeStatus TryDecode(ReadOnlySpan<byte> source, out Segment? segment, out int errorOffset, out string errorMessage)
    {
        segment = null;
        errorOffset = 0;
        errorMessage = "";
        var prefix = Math.Min(source.Length, Magic.Length);
        if (!source[..prefix].SequenceEqual(Magic[..prefix])) return Fail(SegmentDecodeStatus.Malformed, 0, "not a segment (bad magic)", out errorOffset, out errorMessage);
        if (source.Length < HeaderSize) return Fail(SegmentDecodeStatus.Incomplete, source.Length, $"header needs {HeaderSize} bytes", out errorOffset, out errorMessage);
        if (source[4] != Version) return Fail(SegmentDecodeStatus.Malformed, 4, $"version {source[4]} (this reader knows {Version})", out errorOffset, out errorMessage);
        var encoding = (ObservationEncoding)source[5];
        if (encoding is not (ObservationEncoding.Float32 or ObservationEncoding.Bits or ObservationEncoding.Bytes)) return Fail(SegmentDecodeStatus.Malformed, 5, $"unknown observation encoding {source[5]}", out errorOffset, out errorMessage);
        var end = (EpisodeEnd)source[6];
        if (end is not (EpisodeEnd.None or EpisodeEnd.Terminated or EpisodeEnd.Truncated)) return Fail(SegmentDecodeStatus.Malformed, 6, $"unknown episode end {source[6]}", out errorOffset, out errorMessage);
        if (source[7] != 0) return Fail(SegmentDecodeStatus.Malformed, 7, "reserved byte is not zero", out errorOffset, out errorMessage);
        var id = BinaryPrimitives.ReadInt64LittleEndian(source[8..]);
        var observationSize = BinaryPrimitives.ReadInt32LittleEndian(source[16..]);
        var actionCount = BinaryPrimitives.ReadInt32LittleEndian(source[20..]);
        var history = BinaryPrimitives.ReadInt32LittleEndian(source[24..]);
        var positions = BinaryPrimitives.ReadInt32LittleEndian(source[28..]);
        var transitions = BinaryPrimitives.ReadInt32LittleEndian(source[32..]);
        if (observationSize < 1 || observationSize > MaxObservationSize) return Fail(SegmentDecodeStatus.Malformed, 16, $"observation size {observationSize} outside [1, {MaxObservationSize}]", out errorOffset, out errorMessage);
        if (actionCount < 1 || actionCount > MaxActionCount) return Fail(SegmentDecodeStatus.Malformed, 20, $"action count {actionCount} outside [1, {MaxActionCount}]", out errorOffset, out errorMessage);
        if (history < 0 || history > MaxSteps) return Fail(SegmentDecodeStatus.Malformed, 24, $"history frames {history} outside [0, {MaxSteps}]", out errorOffset, out errorMessage);
        if (transitions < 1 || transitions > MaxSteps) return Fail(SegmentDecodeStatus.Malformed, 32, $"transitions {transitions} outside [1, {MaxSteps}]", out errorOffset, out errorMessage);
        if (positions < 1 || positions > transitions) return Fail(SegmentDecodeStatus.Malformed, 28, $"positions {positions} outside [1, transitions {transitions}]", out errorOffset, out errorMessage);

        var steps = transitions + (end == EpisodeEnd.None ? 0 : 1);
        var bytesPer = ObservationCodec.EncodedSize(encoding, observationSize);
        var total = BodyLength(bytesPer, history + steps, transitions, actionCount);
        if (total > int.MaxValue) return Fail(SegmentDecodeStatus.Malformed, 16, $"declared size {total} bytes is too large", out errorOffset, out errorMessage);
        if (source.Length < total) return Fail(SegmentDecodeStatus.Incomplete, source.Length, $"declared size is {total} bytes", out errorOffset, out errorMessage);
        if (source.Length > total) return Fail(SegmentDecodeStatus.Malformed, (int)total, $"{source.Length - total} trailing bytes", out errorOffset, out errorMessage);

        var at = HeaderSize;
        var observations = source.Slice(at, (history + steps) * bytesPer).ToArray();
        at += observations.Length;
        var actions = new int[transitions];
        at += ReadBlock(source[at..], MemoryMarshal.AsBytes(actions.AsSpan()));
        for (var i = 0; i < transitions; i++)
        {
            if ((uint)actions[i] >= (uint)actionCount) return Fail(SegmentDecodeStatus.Malformed, at - (transitions - i) * 4, $"action {actions[i]} outside [0, {actionCount})", out errorOffset, out errorMessage);
        }

        var rewards = new float[transitions];
        at += ReadBlock(source[at..], MemoryMarshal.AsBytes(rewards.AsSpan()));
        var rootValues = new float[transitions];
        at += ReadBlock(source[at..], MemoryMarshal.AsBytes(rootValues.AsSpan()));
        var policies = new float[transitions * actionCount];
        ReadBlock(source[at..], MemoryMarshal.AsBytes(policies.AsSpan()));
        segment = new Segment(id, encoding, observationSize, actionCount, history, positions, end, observations, actions, rewards, rootValues, policies);
        return SegmentDecodeStatus.Ok;
    }

    private static long BodyLength(int bytesPerObservation, int observationCount, int transitions, int actionCount) =>
        HeaderSize + (long)bytesPerObservation * observationCount + 12L * transitions + 4L * transitions * actionCount;

    private static SegmentDecodeStatus Fail(SegmentDecodeStatus status, int offset, string message, out int errorOffset, out string errorMessage)
    {
        errorOffset = offset;
        errorMessage = message;
        return status;
    }

    private static int WriteBlock(ReadOnlySpan<byte> values, Span<byte> destination, int elementSize)
    {
        values.CopyTo(destination);
        if (!BitConverter.IsLittleEndian) ReverseEach(destination[..values.Length], elementSize);
        return values.Length;
    }

    private static int ReadBlock(ReadOnlySpan<byte> source, Span<byte> values)
    {
        source[..values.Length].CopyTo(values);
        if (!BitConverter.IsLittleEndian) ReverseEach(values, 4);
        return values.Length;
    }

    private static void ReverseEach(Span<byte> bytes, int elementSize)
    {
        for (var i = 0; i < bytes.Length; i += elementSize)
        {
            bytes.Slice(i, elementSize).Reverse();
        }
    }
}
