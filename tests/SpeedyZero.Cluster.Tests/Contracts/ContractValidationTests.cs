namespace SpeedyZero.Cluster.Tests.Contracts;

using SpeedyZero.Engine;
using MessagePack;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Training.Channels;

/// <summary>Each contract rule refuses a breaking message, on the way out (Encode) and on the way in (Decode).</summary>
public class ContractValidationTests
{
    /// <summary>Bytes of <paramref name="message"/> as written without any check, as a faulty or hostile peer would send them.</summary>
    private static byte[] Unchecked<T>(T message) => MessagePackSerializer.Serialize(message, Wire.Options);

    /// <summary>Asserts both Encode and Decode refuse <paramref name="message"/> with a message containing <paramref name="reason"/>.</summary>
    private static void Refused<T>(T message, string reason)
        where T : class, IWireContract
    {
        Assert.Contains(reason, Assert.Throws<FormatException>(() => Wire.Encode(message)).Message);
        Assert.Contains(reason, Assert.Throws<FormatException>(() => Wire.Decode<T>(Unchecked(message))).Message);
    }

    private static readonly Tensor Longs3 = Tensor.From<long>([1, 2, 3], 3);
    private static readonly Tensor Floats3 = Tensor.From<float>([1, 2, 3], 3);

    [Fact]
    public void A_segment_needs_encoded_bytes_and_at_least_one_position()
    {
        Refused(ContractSamples.Segment() with { Encoded = [] }, "has no encoded bytes");
        Refused(ContractSamples.Segment() with { Encoded = null! }, "has no encoded bytes");
        Refused(ContractSamples.Segment() with { Positions = 0 }, "0 positions");
        Refused(ContractSamples.Segment() with { Positions = -4 }, "-4 positions");
    }

    [Fact]
    public void A_sample_request_needs_a_count_from_1_to_65536_and_a_beta_in_0_to_1()
    {
        Wire.Decode<SampleRequest>(Wire.Encode(new SampleRequest { Count = 1, Beta = 0 }));
        Wire.Decode<SampleRequest>(Wire.Encode(new SampleRequest { Count = 65536, Beta = 1 }));
        Refused(new SampleRequest { Count = 0, Beta = 0.5 }, "count 0 is outside 1..65536");
        Refused(new SampleRequest { Count = 65537, Beta = 0.5 }, "count 65537");
        Refused(new SampleRequest { Count = 8, Beta = -0.01 }, "beta -0.01 is outside [0, 1]");
        Refused(new SampleRequest { Count = 8, Beta = 1.5 }, "beta 1.5");
        Refused(new SampleRequest { Count = 8, Beta = double.NaN }, "beta NaN");
        Refused(new SampleRequest { Count = 8, Beta = double.PositiveInfinity }, "beta");
    }

    [Fact]
    public void A_sample_reply_without_an_error_needs_three_parallel_vectors_of_the_right_dtypes()
    {
        Refused(ContractSamples.SampleReply() with { Ids = null }, "tensor 'Ids' is missing");
        Refused(ContractSamples.SampleReply() with { Keys = null }, "tensor 'Keys' is missing");
        Refused(ContractSamples.SampleReply() with { Weights = null }, "tensor 'Weights' is missing");
        Refused(ContractSamples.SampleReply() with { Ids = Longs3 }, "tensor 'Keys' has 4 elements; 'Ids' has 3");
        Refused(ContractSamples.SampleReply() with { Weights = Floats3 }, "tensor 'Weights' has 3 elements");
        Refused(ContractSamples.SampleReply() with { Keys = Tensor.From<int>([1, 2, 3, 4], 4) }, "tensor 'Keys' is Int32 [4]; expected Int64");
        Refused(ContractSamples.SampleReply() with { Weights = Tensor.From<float>([1, 2, 3, 4], 2, 2) }, "tensor 'Weights' is Float32 [2,2]; expected Float32 with 1 dimension");
        Wire.Decode<SampleReply>(Wire.Encode(new SampleReply { Error = "busy", Ids = Floats3 }));
    }

    [Fact]
    public void A_status_reply_needs_a_range_of_ids_and_a_segment_count()
    {
        Refused(new StatusReply { OldestId = 0, NextId = 0, Segments = -1 }, "-1 segments");
        Refused(new StatusReply { OldestId = 10, NextId = 9 }, "ids [10, 9)");
        Refused(new StatusReply { OldestId = -1, NextId = 9 }, "ids [-1, 9)");
        Wire.Decode<StatusReply>(Wire.Encode(new StatusReply { OldestId = 5, NextId = 5 }));
        Wire.Decode<StatusReply>(Wire.Encode(new StatusReply { Error = "restarting", OldestId = 10, NextId = 9 }));
    }

    [Fact]
    public void A_sweep_needs_a_count_from_0_to_65536_from_a_non_negative_id_and_its_reply_two_parallel_vectors()
    {
        Wire.Decode<SweepRequest>(Wire.Encode(new SweepRequest { FromId = 0, Count = 0 }));
        Refused(new SweepRequest { FromId = 0, Count = -1 }, "count -1 is outside 0..65536");
        Refused(new SweepRequest { FromId = 0, Count = 65537 }, "count 65537");
        Refused(new SweepRequest { FromId = -1, Count = 5 }, "from id -1 is negative");
        Refused(ContractSamples.SweepReply() with { Keys = null }, "tensor 'Keys' is missing");
        Refused(ContractSamples.SweepReply() with { Ids = Tensor.From<long>([1, 2], 2) }, "tensor 'Keys' has 3 elements; 'Ids' has 2");
        Refused(ContractSamples.SweepReply() with { Ids = Floats3 }, "tensor 'Ids' is Float32 [3]; expected Int64");
    }

    [Fact]
    public void A_priority_update_needs_parallel_ids_and_finite_positive_priorities()
    {
        Refused(ContractSamples.Priorities() with { Ids = Longs3 }, "tensor 'Priorities' has 4 elements; 'Ids' has 3");
        Refused(ContractSamples.Priorities() with { Priorities = null! }, "tensor 'Priorities' is missing");
        Refused(ContractSamples.Priorities() with { Priorities = Longs3, Ids = Longs3 }, "tensor 'Priorities' is Int64 [3]");
        foreach (var bad in new[] { 0f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f })
        {
            Refused(ContractSamples.Priorities() with { Priorities = Tensor.From<float>([1f, 1f, bad, 1f], 4) }, "priority 2 is");
        }

        Wire.Decode<PriorityUpdate>(Wire.Encode(new PriorityUpdate { Ids = Tensor.From<long>([], 0), Priorities = Tensor.From<float>([], 0) }));
    }

    [Fact]
    public void A_weights_announcement_needs_a_key_a_length_and_a_32_byte_sha256()
    {
        Refused(ContractSamples.Weights() with { RedisKey = "" }, "have no Redis key");
        Refused(ContractSamples.Weights() with { RedisKey = null! }, "have no Redis key");
        Refused(ContractSamples.Weights() with { ByteLength = -1 }, "byte length -1");
        Refused(ContractSamples.Weights() with { Sha256 = new byte[31] }, "a 31-byte SHA-256; 32 expected");
        Refused(ContractSamples.Weights() with { Sha256 = new byte[33] }, "a 33-byte SHA-256");
        Refused(ContractSamples.Weights() with { Sha256 = null! }, "no SHA-256");
    }

    [Fact]
    public void A_counter_is_never_negative()
    {
        Refused(new CounterMessage { Value = -1 }, "value -1 is negative");
    }

    [Fact]
    public void An_evaluation_request_needs_a_weights_key_and_non_negative_steps()
    {
        Refused(ContractSamples.EvaluationRequest() with { WeightsKey = "" }, "names no weights key");
        Refused(ContractSamples.EvaluationRequest() with { WeightsKey = null! }, "names no weights key");
        Refused(ContractSamples.EvaluationRequest() with { LearnerStep = -1 }, "learner step -1");
        Refused(ContractSamples.EvaluationRequest() with { EnvSteps = -1 }, "env steps -1");
    }

    [Fact]
    public void An_evaluation_report_needs_episodes_with_finite_returns_and_non_negative_lengths()
    {
        Refused(ContractSamples.EvaluationReport() with { Returns = Tensor.From<float>([], 0), Lengths = Tensor.From<int>([], 0) }, "has no episodes");
        Refused(ContractSamples.EvaluationReport() with { Lengths = Tensor.From<int>([1, 2], 2) }, "tensor 'Lengths' has 2 elements; 'Returns' has 3");
        Refused(ContractSamples.EvaluationReport() with { Lengths = Tensor.From<long>([1, 2, 3], 3) }, "tensor 'Lengths' is Int64 [3]");
        Refused(ContractSamples.EvaluationReport() with { Returns = null! }, "tensor 'Returns' is missing");
        Refused(ContractSamples.EvaluationReport() with { Returns = Tensor.From<float>([1, float.NaN, 2], 3) }, "episode 1 returned NaN");
        Refused(ContractSamples.EvaluationReport() with { Lengths = Tensor.From<int>([1, 2, -3], 3) }, "episode 2 lasted -3 steps");
        Refused(ContractSamples.EvaluationReport() with { LearnerStep = -5 }, "learner step -5");
    }

    [Fact]
    public void A_training_batch_needs_every_tensor_with_shapes_that_agree()
    {
        var good = ContractSamples.Batch(batchSize: 3, unroll: 2, observationSize: 4, actionCount: 5);
        Refused(good with { Observations = null! }, "tensor 'Observations' is missing");
        Refused(good with { Weights = null! }, "tensor 'Weights' is missing");
        Refused(good with { SampleIds = Tensor.From<long>([], 0) }, "has no samples");
        Refused(good with { SampleIds = Tensor.From<int>([1, 2, 3], 3) }, "tensor 'SampleIds' is Int32 [3]");
        Refused(good with { Actions = Tensor.From<float>(new float[6], 3, 2) }, "tensor 'Actions' is Float32 [3,2]");
        Refused(good with { Actions = Tensor.From<int>(new int[9], 3, 3) }, "tensor 'Observations' is Float32 [3,3,4]; expected Float32 [3,4,4]");
        Refused(good with { Masks = Tensor.From<float>(new float[6], 3, 2) }, "tensor 'Masks' is Float32 [3,2]; expected Float32 [3,3]");
        Refused(good with { TargetValues = Tensor.From<float>(new float[9], 9) }, "tensor 'TargetValues' is Float32 [9]");
        Refused(good with { TargetValuePrefixes = Tensor.From<float>(new float[9], 3, 3) }, "tensor 'TargetValuePrefixes' is Float32 [3,3]; expected Float32 [3,2]");
        Refused(good with { TargetPolicies = Tensor.From<float>(new float[30], 2, 3, 5) }, "tensor 'TargetPolicies' is Float32 [2,3,5]; expected Float32 [3,3,5]");
        Refused(good with { Weights = Tensor.From<float>(new float[4], 4) }, "tensor 'Weights' is Float32 [4]; expected Float32 [3]");
        Refused(good with { FreshPolicies = -1 }, "-1 fresh policies");
    }

    [Fact]
    public void Copying_a_batch_into_one_of_another_shape_names_the_tensor_and_leaves_the_destination_untouched()
    {
        var message = Wire.Decode<TrainBatchMessage>(Wire.Encode(ContractSamples.Batch(batchSize: 3, unroll: 2, observationSize: 4, actionCount: 5)));
        var error = Assert.Throws<FormatException>(() => message.CopyTo(new TrainBatch(3, 2, 6, 5)));
        Assert.Contains("tensor 'Observations' is Float32 [3,3,4]; expected Float32 [3,3,6]", error.Message);
        Assert.Contains("tensor 'TargetPolicies' is Float32 [3,3,5]; expected Float32 [3,3,4]",
            Assert.Throws<FormatException>(() => message.CopyTo(new TrainBatch(3, 2, 4, 4))).Message);
        Assert.Contains("tensor 'SampleIds' is Int64 [3]; expected Int64 [4]",
            Assert.Throws<FormatException>(() => message.CopyTo(new TrainBatch(4, 2, 4, 5))).Message);

        var destination = new TrainBatch(3, 3, 4, 5);
        Assert.Contains("tensor 'Observations'", Assert.Throws<FormatException>(() => message.CopyTo(destination)).Message);
        Assert.All(destination.Ids, id => Assert.Equal(0, id));
        Assert.Equal(0, destination.TargetVersion);
    }

    [Fact]
    public void A_message_of_another_schema_version_is_refused_naming_both_versions()
    {
        foreach (var version in new[] { 0, 2, -1, int.MaxValue })
        {
            var error = Assert.Throws<FormatException>(() => Wire.Decode<SegmentMessage>(Unchecked(ContractSamples.Segment() with { Version = version })));
            Assert.Equal($"SegmentMessage: schema version {version}; this build reads 1", error.Message);
            Assert.Contains($"schema version {version}", Assert.Throws<FormatException>(() => Wire.Encode(new CounterMessage { Version = version })).Message);
        }
    }

    [Fact]
    public void Trailing_bytes_nil_and_empty_input_are_refused()
    {
        var bytes = Wire.Encode(ContractSamples.Counter());
        Assert.Contains("1 bytes after the message", Assert.Throws<FormatException>(() => Wire.Decode<CounterMessage>((byte[])[.. bytes, 0xC0])).Message);
        Assert.Contains("nil instead of a message", Assert.Throws<FormatException>(() => Wire.Decode<CounterMessage>(new byte[] { 0xC0 })).Message);
        Assert.Contains("malformed CounterMessage", Assert.Throws<FormatException>(() => Wire.Decode<CounterMessage>(Array.Empty<byte>())).Message);
        Assert.Contains("malformed CounterMessage", Assert.Throws<FormatException>(() => Wire.Decode<CounterMessage>(bytes[..^1])).Message);
    }

    [Fact]
    public void A_message_of_another_contract_or_a_field_of_another_type_is_refused()
    {
        Assert.Throws<FormatException>(() => Wire.Decode<WeightsAnnouncement>(Wire.Encode(ContractSamples.Segment())));
        Assert.Throws<FormatException>(() => Wire.Decode<TrainBatchMessage>(Wire.Encode(ContractSamples.Priorities())));

        // [1, "12", 0.5]: a string where the sample count belongs.
        var error = Assert.Throws<FormatException>(() => Wire.Decode<SampleRequest>(new byte[] { 0x93, 0x01, 0xA2, 0x31, 0x32, 0xCB, 0x3F, 0xE0, 0, 0, 0, 0, 0, 0 }));
        Assert.StartsWith("malformed SampleRequest: ", error.Message);

        // The same request as a map with string keys is not the contract's array layout.
        Assert.Throws<FormatException>(() => Wire.Decode<SampleRequest>(new byte[] { 0x81, 0xA5, (byte)'C', (byte)'o', (byte)'u', (byte)'n', (byte)'t', 0x08 }));
    }

    [Fact]
    public void The_wire_options_treat_every_input_as_untrusted_data()
    {
        Assert.Same(MessagePackSecurity.UntrustedData, Wire.Options.Security);
        Assert.True(Wire.Options.Security.HashCollisionResistant);
        Assert.Equal(MessagePackCompression.None, Wire.Options.Compression);
    }

    [Fact]
    public void A_message_missing_its_trailing_fields_decodes_with_defaults_and_validation_decides()
    {
        // [1]: a counter with only its version is a zero counter; a sample request with only its version asks for 0.
        Assert.Equal(0, Wire.Decode<CounterMessage>(new byte[] { 0x91, 0x01 }).Value);
        Assert.Contains("count 0", Assert.Throws<FormatException>(() => Wire.Decode<SampleRequest>(new byte[] { 0x91, 0x01 })).Message);
        Assert.Contains("has no encoded bytes", Assert.Throws<FormatException>(() => Wire.Decode<SegmentMessage>(new byte[] { 0x91, 0x01 })).Message);
    }
}
