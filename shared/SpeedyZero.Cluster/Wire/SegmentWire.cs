using SpeedyZero.Core.Segments;
using SpeedyZero.Messaging.MessagePack;
using SpeedyZero.Messaging.MessagePack.Formatters;
using SpeedyZero.Messaging.Messages;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Wire;

/// <summary>
/// A segment on the segment stream: a <see cref="SegmentMessage"/> (kind 1) whose tensor
/// <c>segment</c> (uint8) holds the <see cref="SegmentCodec"/> bytes, the same bytes the replay
/// stores in Redis. Segment id, actor run id (incarnation) and sequence are in the envelope.
/// </summary>
public static class SegmentWire
{
    public const string TensorName = "segment";

    public static byte[] Encode(Segment segment, long weightsVersion)
    {
        var bytes = SegmentCodec.Encode(segment);
        var incarnation = segment.Id >> SegmentIds.CounterBits;
        return MessagePackCodec.Serialize(new SegmentMessage
        {
            SegmentId = segment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ActorRunId = incarnation.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Sequence = segment.Id & ((1L << SegmentIds.CounterBits) - 1),
            WeightsVersion = weightsVersion,
            CreatedAt = DateTimeOffset.UtcNow,
            Tensors = new Dictionary<string, TensorPayload> { [TensorName] = TensorPayload.Vector<byte>(bytes) },
        }, SegmentMessageFormatter.Instance);
    }

    /// <summary>Decodes and cross-checks the envelope against the segment; throws <see cref="FormatException"/> on any mismatch.</summary>
    public static Segment Decode(ReadOnlySpan<byte> data)
    {
        var message = MessagePackCodec.Deserialize(data, SegmentMessageFormatter.Instance);
        if (!message.Tensors.TryGetValue(TensorName, out var tensor) || tensor.DType != TensorDType.UInt8)
        {
            throw new MessagePackDecodeException($"segment message {message.SegmentId} lacks its uint8 '{TensorName}' tensor", 0);
        }

        var status = SegmentCodec.TryDecode(tensor.Data.Span, out var segment, out var offset, out var error);
        if (status != SegmentDecodeStatus.Ok || segment is null)
        {
            throw new MessagePackDecodeException($"segment {message.SegmentId}: {error}", offset);
        }

        if (segment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) != message.SegmentId)
        {
            throw new MessagePackDecodeException($"envelope says segment {message.SegmentId}, bytes say {segment.Id}", 0);
        }

        return segment;
    }
}
