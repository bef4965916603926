using System.Diagnostics;
using SpeedyZero.Messaging.MessagePack;
using SpeedyZero.Messaging.MessagePack.Formatters;
using SpeedyZero.Messaging.Messages;

namespace SpeedyZero.Messaging.Tests.MessagePack;

/// <summary>
/// Seeded random and mutated inputs: decoding may only succeed or throw <see cref="MessagePackDecodeException"/>,
/// and always finishes quickly. Any other exception (index out of range, overflow, out of memory) fails.
/// </summary>
public sealed class MessagePackFuzzTests
{
    private const int Cases = 10_000;

    [Fact]
    public void Random_bytes_never_crash_any_decoder()
    {
        var random = new Random(20261120);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Cases; i++)
        {
            var input = new byte[random.Next(0, 64)];
            random.NextBytes(input);
            // Bias towards structure: start many inputs with a map, like an envelope.
            if (input.Length > 0 && i % 2 == 0)
            {
                input[0] = (byte)(0x80 | (input[0] & 0x0f));
            }

            DecodeEverything(input);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"fuzzing took {watch.Elapsed}");
    }

    [Fact]
    public void Mutated_valid_envelopes_never_crash_any_decoder()
    {
        var seeds = new[]
        {
            MessagePackCodec.Serialize(EnvelopeTests.Segment(), SegmentMessageFormatter.Instance),
            MessagePackCodec.Serialize(new PriorityUpdateMessage { Step = 1, Ids = [1, 2, 3], Priorities = [1f, 2f, 3f] }, PriorityUpdateMessageFormatter.Instance),
            MessagePackCodec.Serialize(
                new WeightsAnnouncement { Version = 1, RedisKey = "k", ByteLength = 3, Sha256 = new byte[32], CreatedAt = DateTimeOffset.UnixEpoch },
                WeightsAnnouncementFormatter.Instance),
            MessagePackCodec.Serialize(
                new TrainingBatchMessage { BatchId = 1, TargetWeightsVersion = 1, SampleIds = [5], Tensors = new Dictionary<string, TensorPayload>() },
                TrainingBatchMessageFormatter.Instance),
        };
        var random = new Random(7);
        var decoded = 0;
        for (var i = 0; i < Cases; i++)
        {
            var input = (byte[])seeds[i % seeds.Length].Clone();
            var mutations = random.Next(1, 4);
            for (var m = 0; m < mutations; m++)
            {
                switch (random.Next(4))
                {
                    case 0:
                        input[random.Next(input.Length)] = (byte)random.Next(256);
                        break;
                    case 1:
                        input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                        break;
                    case 2:
                        input = input[..random.Next(input.Length)];
                        break;
                    default:
                        // Interesting values: length prefixes at their extremes.
                        input[random.Next(input.Length)] = (byte)(random.Next(2) == 0 ? 0xff : 0x7f);
                        break;
                }

                if (input.Length == 0)
                {
                    break;
                }
            }

            decoded += DecodeEverything(input);
        }

        // Some mutations land in payload bytes and still decode: the fuzzer reaches deep, not only the header.
        Assert.InRange(decoded, 1, Cases * 5);
    }

    private static int DecodeEverything(byte[] input)
    {
        var successes = 0;
        successes += Try(() => MessagePackCodec.Deserialize(input, SegmentMessageFormatter.Instance));
        successes += Try(() => MessagePackCodec.Deserialize(input, TrainingBatchMessageFormatter.Instance));
        successes += Try(() => MessagePackCodec.Deserialize(input, PriorityUpdateMessageFormatter.Instance));
        successes += Try(() => MessagePackCodec.Deserialize(input, WeightsAnnouncementFormatter.Instance));
        successes += Try(() =>
        {
            var reader = new MessagePackReader(input);
            while (!reader.End)
            {
                reader.Skip();
            }

            return 0;
        });
        var status = MessagePackCodec.TryMeasure(input, out var length);
        Assert.True(status != MessagePackStatus.Ok || (length > 0 && length <= input.Length));
        return successes;
    }

    private static int Try<T>(Func<T> decode)
    {
        try
        {
            decode();
            return 1;
        }
        catch (MessagePackDecodeException)
        {
            return 0;
        }
    }
}
