namespace SpeedyZero.Cluster.Tests.Contracts;

using SpeedyZero.Engine;
using System.Buffers;
using MessagePack;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Core.Replay;
using SpeedyZero.Training.Channels;

/// <summary>Every contract survives Encode then Decode with every field, and the batch copies back bit for bit.</summary>
public class ContractRoundTripTests
{
    private static T RoundTrip<T>(T message)
        where T : class, IWireContract
    {
        var bytes = Wire.Encode(message);
        var decoded = Wire.Decode<T>(bytes);
        Assert.Equal(bytes, Wire.Encode(decoded));
        return decoded;
    }

    [Fact]
    public void Every_contract_type_reencodes_to_the_same_bytes_after_a_decode()
    {
        foreach (var message in ContractSamples.OnePerType().Append(ContractSamples.SampleError()))
        {
            var bytes = MessagePackSerializer.Serialize(message.GetType(), message, Wire.Options);
            var decoded = (IWireContract)MessagePackSerializer.Deserialize(message.GetType(), bytes, Wire.Options)!;
            Assert.Equal(bytes, MessagePackSerializer.Serialize(message.GetType(), decoded, Wire.Options));
            Assert.Equal(Wire.Version, decoded.Version);
        }
    }

    [Fact]
    public void Every_contract_is_an_array_whose_first_element_is_the_schema_version()
    {
        foreach (var message in ContractSamples.OnePerType())
        {
            var reader = new MessagePackReader(MessagePackSerializer.Serialize(message.GetType(), message, Wire.Options));
            Assert.True(reader.ReadArrayHeader() >= 1, message.GetType().Name);
            Assert.Equal(1, reader.ReadInt32());
        }
    }

    [Fact]
    public void A_segment_message_keeps_every_field_and_the_exact_encoded_bytes()
    {
        var sent = ContractSamples.Segment();
        var received = RoundTrip(sent);
        Assert.Equal((sent.SegmentId, sent.Incarnation, sent.WeightsVersion, sent.CreatedAtMs, sent.Positions),
            (received.SegmentId, received.Incarnation, received.WeightsVersion, received.CreatedAtMs, received.Positions));
        Assert.Equal(sent.Encoded, received.Encoded);
    }

    [Fact]
    public void A_training_batch_goes_from_batch_to_message_to_bytes_and_back_into_an_equal_batch()
    {
        var original = ContractSamples.DistinctBatch(batchSize: 8, unroll: 5, observationSize: 12, actionCount: 4);
        var bytes = Wire.Encode(TrainBatchMessage.From(original, batchId: 4242));
        var message = Wire.Decode<TrainBatchMessage>(bytes);
        Assert.Equal(4242, message.BatchId);
        Assert.Equal(original.TargetVersion, message.TargetWeightsVersion);
        Assert.InRange(message.CreatedAtMs, Wire.NowMs() - 60_000, Wire.NowMs());

        var copy = new TrainBatch(8, 5, 12, 4);
        message.CopyTo(copy);
        Assert.Equal(original.Ids, copy.Ids);
        Assert.Equal(original.Observations, copy.Observations);
        Assert.Equal(original.Actions, copy.Actions);
        Assert.Equal(original.Masks, copy.Masks);
        Assert.Equal(original.TargetValues, copy.TargetValues);
        Assert.Equal(original.TargetValuePrefixes, copy.TargetValuePrefixes);
        Assert.Equal(original.TargetPolicies, copy.TargetPolicies);
        Assert.Equal(original.Weights, copy.Weights);
        Assert.Equal(original.TargetVersion, copy.TargetVersion);
        Assert.Equal(original.FreshPolicies, copy.FreshPolicies);
    }

    [Fact]
    public void A_training_batch_is_its_raw_arrays_plus_a_small_header()
    {
        const int b = 64, k = 5, o = 128, a = 18;
        var bytes = Wire.Encode(TrainBatchMessage.From(new TrainBatch(b, k, o, a), 1));
        var raw = 8 * b + 4 * (b * (k + 1) * o + b * k + 2 * b * (k + 1) + b * k + b * (k + 1) * a + b);
        Assert.InRange(bytes.Length, raw, raw + 128);
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 1, 2, 2)]
    [InlineData(256, 5, 512, 18)]
    public void MaxEncodedLength_bounds_every_batch_of_that_shape_even_with_the_longest_integers(int b, int k, int o, int a)
    {
        var bound = TrainBatchMessage.MaxEncodedLength(b, k, o, a);
        var batch = new TrainBatch(b, k, o, a) { TargetVersion = long.MinValue, FreshPolicies = b };
        batch.Ids.AsSpan().Fill(long.MinValue);
        var longest = TrainBatchMessage.From(batch, long.MinValue) with { CreatedAtMs = long.MinValue };
        Assert.InRange(Wire.Encode(longest).Length, 0, bound);
        Assert.InRange(Wire.Encode(TrainBatchMessage.From(new TrainBatch(b, k, o, a), 0)).Length, bound - 64, bound);
    }

    [Fact]
    public void A_sample_reply_carries_the_replays_sample_and_gives_it_back()
    {
        var sample = new ReplaySample([5, 6, 7], [50, 60, 70], [0.1f, 0.2f, 0.3f], 1000);
        var received = RoundTrip(SampleReply.From(sample)).ToSample();
        Assert.Equal(sample.Ids, received.Ids);
        Assert.Equal(sample.Keys, received.Keys);
        Assert.Equal(sample.Weights, received.Weights);
        Assert.Equal(sample.NextId, received.NextId);
    }

    [Fact]
    public void An_error_reply_keeps_its_message_and_refuses_to_become_a_result()
    {
        var sample = RoundTrip(ContractSamples.SampleError());
        Assert.Equal(ContractSamples.SampleError().Error, sample.Error);
        Assert.Null(sample.Ids);
        Assert.Contains("cannot draw", Assert.Throws<InvalidOperationException>(() => sample.ToSample()).Message);
        Assert.Throws<InvalidOperationException>(() => RoundTrip(new StatusReply { Error = "down" }).ToStatus());
        Assert.Throws<InvalidOperationException>(() => RoundTrip(new SweepReply { Error = "down" }).ToSweep());
    }

    [Fact]
    public void Requests_and_replies_of_status_and_sweep_keep_their_fields()
    {
        Assert.Equal(ContractSamples.SampleRequest(), RoundTrip(ContractSamples.SampleRequest()));
        Assert.Equal(ContractSamples.StatusRequest(), RoundTrip(ContractSamples.StatusRequest()));
        Assert.Equal(ContractSamples.SweepRequest(), RoundTrip(ContractSamples.SweepRequest()));
        Assert.Equal(ContractSamples.StatusReply(), RoundTrip(ContractSamples.StatusReply()));
        Assert.Equal(new ReplayStatus(100, 5_000_000_000, 77), RoundTrip(StatusReply.From(new ReplayStatus(100, 5_000_000_000, 77))).ToStatus());
        var sweep = RoundTrip(ContractSamples.SweepReply()).ToSweep();
        Assert.Equal([100L, 101, 102], sweep.Ids);
        Assert.Equal([1L << 33, (1L << 33) + 1, (1L << 33) + 2], sweep.Keys);
        Assert.Equal(5_000, sweep.NextId);
        Assert.Empty(RoundTrip(SweepReply.From(new ReplaySweep([], [], 9))).ToSweep().Ids);
    }

    [Fact]
    public void Priorities_weights_and_counters_keep_their_fields()
    {
        var priorities = RoundTrip(ContractSamples.Priorities());
        Assert.Equal(42, priorities.Step);
        Assert.Equal([10L, 11, 12, 13_000_000_000], priorities.Ids.ToArray<long>());
        Assert.Equal([0.5f, 2f, 1e-6f, 3.5f], priorities.Priorities.ToArray<float>());

        var sent = ContractSamples.Weights();
        var weights = RoundTrip(sent);
        Assert.Equal((sent.WeightsVersion, sent.RedisKey, sent.ByteLength, sent.LearnerStep, sent.CreatedAtMs),
            (weights.WeightsVersion, weights.RedisKey, weights.ByteLength, weights.LearnerStep, weights.CreatedAtMs));
        Assert.Equal(sent.Sha256, weights.Sha256);

        Assert.Equal(ContractSamples.Counter(), RoundTrip(ContractSamples.Counter()));
        Assert.Equal(0, RoundTrip(new CounterMessage()).Value);
    }

    [Fact]
    public void Evaluation_requests_and_reports_keep_their_fields()
    {
        Assert.Equal(ContractSamples.EvaluationRequest(), RoundTrip(ContractSamples.EvaluationRequest()));
        var report = RoundTrip(ContractSamples.EvaluationReport());
        Assert.Equal((5000L, 1_250_000L), (report.LearnerStep, report.EnvSteps));
        Assert.Equal([200f, 187.5f, -3.25f], report.Returns.ToArray<float>());
        Assert.Equal([200, 188, 12], report.Lengths.ToArray<int>());
    }

    [Fact]
    public void A_message_split_across_buffer_segments_decodes_like_a_contiguous_one()
    {
        var bytes = Wire.Encode(ContractSamples.Batch());
        var first = new Segment(bytes.AsMemory(0, 17));
        var last = first.Append(bytes.AsMemory(17));
        var decoded = Wire.Decode<TrainBatchMessage>(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));
        Assert.Equal(bytes, Wire.Encode(decoded));
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
