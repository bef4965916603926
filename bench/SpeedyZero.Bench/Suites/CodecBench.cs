using System.Buffers;
using SpeedyZero.Messaging.MessagePack;
using SpeedyZero.Messaging.MessagePack.Formatters;
using SpeedyZero.Messaging.Messages;

namespace SpeedyZero.Bench.Suites;

/// <summary>MessagePack encode / decode of a 4 MB tensor message next to a plain memory copy of the same bytes.</summary>
public sealed class CodecBench : IBenchSuite
{
    private const int Elements = 1 << 20; // float32: 4 MiB

    public string Name => "codec";

    public string Description => "MessagePack encode/decode GB/s of a 4 MB tensor message vs memory copy";

    public Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var values = new float[Elements];
        var random = new Random(1);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        var message = new SegmentMessage
        {
            SegmentId = "bench:0",
            ActorRunId = "bench",
            Sequence = 0,
            Tensors = new Dictionary<string, TensorPayload> { ["observations"] = TensorPayload.From<float>(values, 256, 4096) },
        };
        var output = new ArrayBufferWriter<byte>(Elements * 4 + 1024);
        var encoded = MessagePackCodec.Serialize(message, SegmentMessageFormatter.Instance);
        var bytes = (double)encoded.Length;
        var decodedInto = new float[Elements];
        var copyTarget = new byte[encoded.Length];

        var copy = Measure.SecondsPerCall(() => encoded.AsSpan().CopyTo(copyTarget));
        var encode = Measure.SecondsPerCall(() =>
        {
            output.ResetWrittenCount();
            MessagePackCodec.Serialize(output, message, SegmentMessageFormatter.Instance);
        });
        var decodeOwned = Measure.SecondsPerCall(() => MessagePackCodec.Deserialize(encoded, SegmentMessageFormatter.Instance));
        var decodeInto = Measure.SecondsPerCall(() => DecodeInto(encoded, decodedInto));
        if (!decodedInto.AsSpan().SequenceEqual(values))
        {
            throw new InvalidOperationException("decoded tensor differs from the encoded one");
        }

        report.Add("message size", bytes / (1 << 20), "MiB");
        report.Add("memory copy", bytes / copy / 1e9, "GB/s", "Span.CopyTo of the encoded message");
        report.Add("encode", bytes / encode / 1e9, "GB/s", "segment envelope + tensor into a reused buffer");
        report.Add("decode (owning message)", bytes / decodeOwned / 1e9, "GB/s", "Deserialize: new TensorPayload arrays");
        report.Add("decode (tensor into buffer)", bytes / decodeInto / 1e9, "GB/s", "ReadTensor().CopyTo a preallocated float[]");
        report.Add("encode / memory copy", copy / encode, "x", "1.0 = encoding costs one copy");
        report.Add("decode owning / memory copy", copy / decodeOwned, "x");
        report.Add("decode into buffer / memory copy", copy / decodeInto, "x");
        return Task.CompletedTask;
    }

    // The hot-path form: walk the envelope and copy the one tensor into a buffer the caller owns.
    private static void DecodeInto(byte[] encoded, float[] destination)
    {
        var reader = new MessagePackReader(encoded);
        var fields = reader.ReadMapHeader();
        for (var i = 0; i < fields; i++)
        {
            if (reader.ReadInt64() != 7)
            {
                reader.Skip();
                continue;
            }

            var tensors = reader.ReadMapHeader();
            for (var t = 0; t < tensors; t++)
            {
                reader.ReadStringBytes();
                reader.ReadTensor().CopyTo<float>(destination);
            }
        }
    }
}
