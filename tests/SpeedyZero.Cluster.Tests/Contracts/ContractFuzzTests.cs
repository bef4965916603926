namespace SpeedyZero.Cluster.Tests.Contracts;

using System.Buffers;
using System.Diagnostics;
using MessagePack;
using SpeedyZero.Cluster.Contracts;
using Xunit.Abstractions;

/// <summary>
/// Seeded fuzzing of <see cref="Wire.Decode{T}(ReadOnlyMemory{byte})"/>: for every contract, malformed
/// payloads of every kind either decode into a message that passes its rules or throw
/// <see cref="FormatException"/>; nothing else escapes and no claimed length is allocated.
/// </summary>
public class ContractFuzzTests(ITestOutputHelper output)
{
    private const int PayloadsPerContract = 10_000;

    private static readonly Dictionary<string, (IWireContract Valid, Func<ReadOnlyMemory<byte>, IWireContract> Decode)> Contracts = new()
    {
        [nameof(SegmentMessage)] = (ContractSamples.Segment(), b => Wire.Decode<SegmentMessage>(b)),
        [nameof(TrainBatchMessage)] = (ContractSamples.Batch(), b => Wire.Decode<TrainBatchMessage>(b)),
        [nameof(SampleRequest)] = (ContractSamples.SampleRequest(), b => Wire.Decode<SampleRequest>(b)),
        [nameof(SampleReply)] = (ContractSamples.SampleReply(), b => Wire.Decode<SampleReply>(b)),
        [nameof(StatusRequest)] = (ContractSamples.StatusRequest(), b => Wire.Decode<StatusRequest>(b)),
        [nameof(StatusReply)] = (ContractSamples.StatusReply(), b => Wire.Decode<StatusReply>(b)),
        [nameof(SweepRequest)] = (ContractSamples.SweepRequest(), b => Wire.Decode<SweepRequest>(b)),
        [nameof(SweepReply)] = (ContractSamples.SweepReply(), b => Wire.Decode<SweepReply>(b)),
        [nameof(PriorityUpdate)] = (ContractSamples.Priorities(), b => Wire.Decode<PriorityUpdate>(b)),
        [nameof(WeightsAnnouncement)] = (ContractSamples.Weights(), b => Wire.Decode<WeightsAnnouncement>(b)),
        [nameof(CounterMessage)] = (ContractSamples.Counter(), b => Wire.Decode<CounterMessage>(b)),
        [nameof(EvaluationRequestMessage)] = (ContractSamples.EvaluationRequest(), b => Wire.Decode<EvaluationRequestMessage>(b)),
        [nameof(EvaluationReport)] = (ContractSamples.EvaluationReport(), b => Wire.Decode<EvaluationReport>(b)),
    };

    /// <summary>Headers claiming far more than any payload holds: bin32, str32, array32, map32, ext32 of 2^31 and 2^32-1, and 16-bit forms.</summary>
    private static readonly byte[][] HugeClaims =
    [
        [0xC6, 0x80, 0, 0, 0], [0xC6, 0xFF, 0xFF, 0xFF, 0xFF], [0xC5, 0xFF, 0xFF],
        [0xDB, 0x80, 0, 0, 0], [0xDB, 0xFF, 0xFF, 0xFF, 0xFF], [0xDA, 0xFF, 0xFF],
        [0xDD, 0x80, 0, 0, 0], [0xDD, 0xFF, 0xFF, 0xFF, 0xFF], [0xDC, 0xFF, 0xFF],
        [0xDF, 0x80, 0, 0, 0], [0xDF, 0xFF, 0xFF, 0xFF, 0xFF], [0xDE, 0xFF, 0xFF],
        [0xC9, 0x80, 0, 0, 0, 0x01], [0xC8, 0xFF, 0xFF, 0x01],
        // Tensors whose shape claims 2^31 or 2^62 elements over a tiny or huge bin.
        [0x93, 0x01, 0x91, 0xCE, 0x80, 0, 0, 0, 0xC4, 0x00],
        [0x93, 0x03, 0x92, 0xCE, 0x7F, 0xFF, 0xFF, 0xFF, 0xCE, 0x7F, 0xFF, 0xFF, 0xFF, 0xC6, 0x80, 0, 0, 0],
        [0x93, 0x04, 0x91, 0x04, 0xC6, 0xFF, 0xFF, 0xFF, 0xFC, 1, 2, 3, 4],
        [0x93, 0x04, 0xDD, 0x80, 0, 0, 0, 0x01, 0xC4, 0x00],
    ];

    /// <summary>Well-formed values of every MessagePack type, to put where another type belongs.</summary>
    private static readonly byte[][] Tokens =
    [
        [0xC0], [0xC2], [0xC3], [0xC1], [0x00], [0x01], [0x7F], [0xE0], [0xFF],
        [0xCC, 0xFF], [0xCD, 0xFF, 0xFF], [0xCE, 0xFF, 0xFF, 0xFF, 0xFF], [0xCF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        [0xD0, 0x80], [0xD1, 0x80, 0x00], [0xD2, 0x80, 0, 0, 0], [0xD3, 0x80, 0, 0, 0, 0, 0, 0, 0],
        [0xCA, 0x7F, 0xC0, 0, 0], [0xCB, 0x3F, 0xE0, 0, 0, 0, 0, 0, 0], [0xCB, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0],
        [0xA0], [0xA3, (byte)'a', (byte)'b', (byte)'c'], [0xD9, 0x02, (byte)'1', (byte)'2'], [0xA2, 0xC3, 0x28],
        [0xC4, 0x00], [0xC4, 0x03, 1, 2, 3], [0x90], [0x91, 0x01], [0x80], [0x81, 0x01, 0x02], [0x81, 0xA1, (byte)'k', 0x02],
        [0xD4, 0x01, 0x00], [0xD6, 0xFF, 0, 0, 0, 0], [0xC7, 0x00, 0x05], [0xD8, 0x63, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
        // Tensors: valid ones of each dtype, and ones with a wrong dtype, rank, sign or length.
        [0x93, 0x01, 0x91, 0x01, 0xC4, 0x04, 0, 0, 0x80, 0x3F],
        [0x93, 0x03, 0x91, 0x02, 0xC4, 0x10, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0],
        [0x93, 0x02, 0x92, 0x01, 0x01, 0xC4, 0x04, 7, 0, 0, 0],
        [0x93, 0x04, 0x90, 0xC4, 0x01, 0x09],
        [0x93, 0x03, 0x91, 0x00, 0xC4, 0x00],
        [0x93, 0x01, 0x91, 0x00, 0xC4, 0x00],
        [0x93, 0x09, 0x91, 0x01, 0xC4, 0x01, 0x00],
        [0x93, 0x01, 0x91, 0xFF, 0xC4, 0x00],
        [0x93, 0x01, 0x91, 0x02, 0xC4, 0x04, 0, 0, 0, 0],
        [0x93, 0x01, 0x99, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0xC4, 0x04, 0, 0, 0, 0],
        [0x93, 0x01, 0x91, 0x01, 0xA4, 0, 0, 0, 0],
        [0x94, 0x01, 0x91, 0x01, 0xC4, 0x04, 0, 0, 0, 0, 0xC0],
        [0x92, 0x01, 0x91],
    ];

    public static TheoryData<string> ContractNames() => new(Contracts.Keys);

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void Ten_thousand_malformed_payloads_each_decode_to_a_valid_message_or_throw_FormatException(string contract)
    {
        var (valid, decode) = Contracts[contract];
        var encoded = MessagePackSerializer.Serialize(valid.GetType(), valid, Wire.Options);
        var random = new Random(HashSeed(contract));
        int accepted = 0, rejected = 0;
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var payload in Payloads(encoded, random).Take(PayloadsPerContract))
        {
            try
            {
                decode(payload).Validate();
                accepted++;
            }
            catch (FormatException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                if (failures.Count < 5) failures.Add($"{Convert.ToHexString(payload)} -> {e.GetType().Name}: {e.Message}");
                else failures.Add("");
            }
        }

        output.WriteLine($"{contract}: {accepted} accepted, {rejected} rejected, {failures.Count} other exceptions in {clock.ElapsedMilliseconds} ms");
        Assert.True(failures.Count == 0, $"{failures.Count} payloads threw something else than FormatException, e.g.\n" + string.Join('\n', failures.Take(5)));
        Assert.Equal(PayloadsPerContract, accepted + rejected);
        Assert.True(rejected > PayloadsPerContract / 2, $"only {rejected} rejected: the generator is too tame");
    }

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void A_huge_length_claim_is_refused_without_allocating_what_it_claims(string contract)
    {
        var (valid, decode) = Contracts[contract];
        var encoded = MessagePackSerializer.Serialize(valid.GetType(), valid, Wire.Options);
        foreach (var claim in HugeClaims)
        {
            foreach (var at in new[] { 0, 1, 2, encoded.Length / 2, encoded.Length - 1 })
            {
                foreach (var payload in new[] { Splice(encoded, at, claim, replace: 0), Splice(encoded, at, claim, replace: 1), Splice([0x9F, 0x01], 2, claim, 0) })
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    Assert.Throws<FormatException>(() => decode(payload));
                    Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void Deeply_nested_input_neither_exhausts_the_stack_nor_passes_where_a_field_belongs(string contract)
    {
        var (valid, decode) = Contracts[contract];
        var encoded = MessagePackSerializer.Serialize(valid.GetType(), valid, Wire.Options);
        var fields = Fields(encoded);
        var nesting = Enumerable.Repeat((byte)0x91, 100_000).Append((byte)0xC0).ToArray();

        // In place of the last field, and as the whole message: refused.
        Assert.Throws<FormatException>(() => decode((byte[])[(byte)(0x90 | fields.Count), .. fields[..^1].SelectMany(f => f), .. nesting]));
        Assert.Throws<FormatException>(() => decode(nesting));

        // As an extra field after the known ones: skipped (a later writer may append fields), and the message is intact.
        var extra = (byte[])[0xDC, 0, (byte)(fields.Count + 1), .. fields.SelectMany(f => f), .. nesting];
        Assert.Equal(encoded, MessagePackSerializer.Serialize(valid.GetType(), decode(extra), Wire.Options));
    }

    /// <summary>Malformed payloads derived from <paramref name="valid"/>: every truncation first, then eight kinds in turn.</summary>
    private static IEnumerable<byte[]> Payloads(byte[] valid, Random random)
    {
        for (var end = 0; end < valid.Length; end++) yield return valid[..end];
        var fields = Fields(valid);
        for (var n = 0; ; n++)
        {
            switch (n % 8)
            {
                case 0: // random bytes, half of them behind an array header so they reach the fields
                    var noise = new byte[random.Next(0, valid.Length * 2)];
                    random.NextBytes(noise);
                    if (noise.Length > 0 && random.Next(2) == 0) noise[0] = (byte)(0x90 | random.Next(16));
                    yield return noise;
                    break;
                case 1: // a valid encoding with 1 to 4 bytes changed
                    var flipped = (byte[])valid.Clone();
                    for (var i = random.Next(1, 5); i > 0; i--)
                    {
                        var at = random.Next(flipped.Length);
                        flipped[at] = random.Next(2) == 0 ? (byte)random.Next(256) : (byte)(flipped[at] ^ (1 << random.Next(8)));
                    }

                    yield return flipped;
                    break;
                case 2: // truncated, then possibly padded with a plausible byte
                    var cut = valid[..random.Next(valid.Length)];
                    yield return random.Next(2) == 0 ? cut : [.. cut, Tokens[random.Next(Tokens.Length)][0]];
                    break;
                case 3: // trailing bytes after a whole message
                    var tail = new byte[random.Next(1, 9)];
                    random.NextBytes(tail);
                    yield return random.Next(2) == 0 ? [.. valid, .. tail] : [.. valid, .. Tokens[random.Next(Tokens.Length)]];
                    break;
                case 4: // a huge length claim inserted or written over a random place
                    yield return Splice(valid, random.Next(valid.Length + 1), HugeClaims[random.Next(HugeClaims.Length)], random.Next(3));
                    break;
                case 5: // type confusion: the fields of the valid message, some replaced by a value of another type
                    yield return Rebuild(fields, random, fields.Count);
                    break;
                case 6: // type confusion with a wrong field count, or a valid field moved
                    var count = random.Next(2) == 0 ? random.Next(0, 17) : fields.Count + random.Next(-2, 3);
                    yield return Rebuild(fields, random, Math.Max(0, count));
                    break;
                default: // a slice deleted or repeated
                    int from = random.Next(valid.Length), length = random.Next(1, Math.Min(16, valid.Length - from) + 1);
                    yield return random.Next(2) == 0
                        ? [.. valid[..from], .. valid[(from + length)..]]
                        : [.. valid[..(from + length)], .. valid[from..]];
                    break;
            }
        }
    }

    /// <summary>The raw bytes of each top-level field of an encoded contract.</summary>
    private static List<byte[]> Fields(byte[] valid)
    {
        var reader = new MessagePackReader(valid);
        var count = reader.ReadArrayHeader();
        var fields = new List<byte[]>(count);
        for (var i = 0; i < count; i++) fields.Add(reader.ReadRaw().ToArray());
        return fields;
    }

    /// <summary>An array of <paramref name="count"/> fields: mostly the valid field at that index, else another one or a random token.</summary>
    private static byte[] Rebuild(List<byte[]> fields, Random random, int count)
    {
        var bytes = new List<byte>();
        if (count < 16) bytes.Add((byte)(0x90 | count));
        else bytes.AddRange([0xDC, (byte)(count >> 8), (byte)count]);
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(10);
            var field = i < fields.Count && roll < 6 ? fields[i]
                : roll < 8 ? Tokens[random.Next(Tokens.Length)]
                : roll < 9 ? fields[random.Next(fields.Count)]
                : HugeClaims[random.Next(HugeClaims.Length)];
            bytes.AddRange(field);
        }

        return bytes.ToArray();
    }

    /// <summary><paramref name="bytes"/> with <paramref name="insert"/> at <paramref name="at"/>, written over the next <paramref name="replace"/> bytes.</summary>
    private static byte[] Splice(byte[] bytes, int at, byte[] insert, int replace)
    {
        at = Math.Min(at, bytes.Length);
        return [.. bytes[..at], .. insert, .. bytes[Math.Min(bytes.Length, at + replace)..]];
    }

    /// <summary>A seed fixed per contract (string.GetHashCode varies per process).</summary>
    private static int HashSeed(string name) => name.Aggregate(17, (h, c) => unchecked((h * 31) + c));
}
