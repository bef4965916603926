using System.Security.Cryptography;
using SpeedyZero.Messaging.MessagePack;
using SpeedyZero.Messaging.MessagePack.Formatters;
using SpeedyZero.Messaging.Messages;
using static SpeedyZero.Messaging.Tests.MessagePack.MessagePackBytes;

namespace SpeedyZero.Messaging.Tests.MessagePack;

/// <summary>Versioned envelopes: round trips, forward compatibility, and clear rejections.</summary>
public sealed class EnvelopeTests
{
    private static readonly DateTimeOffset When = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    public static SegmentMessage Segment() => new()
    {
        SegmentId = "run-7:42",
        ActorRunId = "run-7",
        Sequence = 42,
        WeightsVersion = 9,
        CreatedAt = When,
        Tensors = new Dictionary<string, TensorPayload>
        {
            ["observations"] = TensorPayload.From<byte>(new byte[2 * 4 * 4], 2, 4, 4),
            ["actions"] = TensorPayload.Vector<int>([1, 0]),
            ["rewards"] = TensorPayload.Vector<float>([0.5f, -1f]),
        },
    };

    [Fact]
    public void Segment_round_trips()
    {
        var message = Segment();
        var back = MessagePackCodec.Deserialize(MessagePackCodec.Serialize(message, SegmentMessageFormatter.Instance), SegmentMessageFormatter.Instance);
        Assert.Equal((message.SegmentId, message.ActorRunId, message.Sequence, message.WeightsVersion, message.CreatedAt),
            (back.SegmentId, back.ActorRunId, back.Sequence, back.WeightsVersion, back.CreatedAt));
        Assert.Equal(["observations", "actions", "rewards"], back.Tensors.Keys);
        Assert.Equal([2, 4, 4], back.Tensors["observations"].Shape);
        Assert.Equal([0.5f, -1f], back.Tensors["rewards"].ToArray<float>());
    }

    [Fact]
    public void Training_batch_round_trips()
    {
        var message = new TrainingBatchMessage
        {
            BatchId = 5,
            TargetWeightsVersion = 3,
            SampleIds = [10, 20, long.MaxValue],
            Tensors = new Dictionary<string, TensorPayload> { ["target_value"] = TensorPayload.From<float>(new float[15], 3, 5) },
            CreatedAt = When,
        };
        var back = MessagePackCodec.Deserialize(MessagePackCodec.Serialize(message, TrainingBatchMessageFormatter.Instance), TrainingBatchMessageFormatter.Instance);
        Assert.Equal(message.SampleIds, back.SampleIds);
        Assert.Equal((5L, 3L, When), (back.BatchId, back.TargetWeightsVersion, back.CreatedAt));
        Assert.Equal([3, 5], back.Tensors["target_value"].Shape);
    }

    [Fact]
    public void Priority_update_round_trips_and_checks_lengths()
    {
        var message = new PriorityUpdateMessage { Step = 100, Ids = [1, 2], Priorities = [0.1f, 7f], CreatedAt = When };
        var back = MessagePackCodec.Deserialize(MessagePackCodec.Serialize(message, PriorityUpdateMessageFormatter.Instance), PriorityUpdateMessageFormatter.Instance);
        Assert.Equal(100L, back.Step);
        Assert.Equal(message.Ids, back.Ids);
        Assert.Equal(message.Priorities, back.Priorities);
        Assert.Throws<ArgumentException>(() => MessagePackCodec.Serialize(message with { Ids = [1] }, PriorityUpdateMessageFormatter.Instance));
    }

    [Fact]
    public void Weights_announcement_round_trips()
    {
        var message = new WeightsAnnouncement
        {
            Version = 12,
            RedisKey = "weights:12",
            ByteLength = 1 << 24,
            Sha256 = SHA256.HashData("blob"u8),
            LearnerStep = 1200,
            CreatedAt = When,
        };
        var back = MessagePackCodec.Deserialize(MessagePackCodec.Serialize(message, WeightsAnnouncementFormatter.Instance), WeightsAnnouncementFormatter.Instance);
        Assert.Equal(message with { Sha256 = back.Sha256 }, back);
        Assert.Equal(message.Sha256, back.Sha256);
    }

    [Fact]
    public void Unknown_future_fields_are_ignored()
    {
        // Version 2 of the announcement with two fields this reader does not know, one a nested structure.
        var bytes = Encode((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(8);
            w.Write(0L); w.Write(4L);
            w.Write(1L); w.Write(2L);
            w.Write(99L); w.WriteMapHeader(1); w.Write("deep"); w.WriteArrayHeader(2); w.WriteNil(); w.WriteBinary([1, 2, 3]);
            w.Write(2L); w.Write(12L);
            w.Write("future-string-key"); w.Write(new MessagePackTimestamp(1, 2));
            w.Write(3L); w.Write("weights:12");
            w.Write(4L); w.Write(100L);
            w.Write(5L); w.WriteBinary(new byte[32]);
        });
        var back = MessagePackCodec.Deserialize(bytes, WeightsAnnouncementFormatter.Instance);
        Assert.Equal((12L, "weights:12", 100L), (back.Version, back.RedisKey, back.ByteLength));
    }

    [Fact]
    public void Missing_required_field_names_it()
    {
        var bytes = Encode((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(3);
            w.Write(0L); w.Write(3L);
            w.Write(1L); w.Write(1L);
            w.Write(2L); w.Write(5L);
        });
        var error = Assert.Throws<MessagePackDecodeException>(() => MessagePackCodec.Deserialize(bytes, PriorityUpdateMessageFormatter.Instance));
        Assert.Contains("lacks required field 3 (ids)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_kind_duplicates_and_trailing_bytes_are_rejected()
    {
        var segment = MessagePackCodec.Serialize(Segment(), SegmentMessageFormatter.Instance);
        var kind = Assert.Throws<MessagePackDecodeException>(() => MessagePackCodec.Deserialize(segment, TrainingBatchMessageFormatter.Instance));
        Assert.Contains("expected a TrainingBatch envelope", kind.Message, StringComparison.Ordinal);

        var trailing = segment.Append((byte)0).ToArray();
        var extra = Assert.Throws<MessagePackDecodeException>(() => MessagePackCodec.Deserialize(trailing, SegmentMessageFormatter.Instance));
        Assert.Equal(segment.Length, extra.Offset);

        var duplicate = Encode((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(3);
            w.Write(0L); w.Write(4L);
            w.Write(1L); w.Write(1L);
            w.Write(1L); w.Write(1L);
        });
        var twice = Assert.Throws<MessagePackDecodeException>(() => MessagePackCodec.Deserialize(duplicate, WeightsAnnouncementFormatter.Instance));
        Assert.Contains("appears twice", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_of_a_valid_message_is_rejected_cleanly()
    {
        var bytes = MessagePackCodec.Serialize(Segment(), SegmentMessageFormatter.Instance);
        for (var length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<MessagePackDecodeException>(() => MessagePackCodec.Deserialize(bytes.AsSpan(0, length), SegmentMessageFormatter.Instance));
            Assert.InRange(error.Offset, 0, length);
        }
    }
}
