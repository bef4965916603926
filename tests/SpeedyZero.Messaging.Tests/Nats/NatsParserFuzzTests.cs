using System.Buffers;
using System.Diagnostics;
using System.Text;
using SpeedyZero.Messaging.Nats;

namespace SpeedyZero.Messaging.Tests.Nats;

/// <summary>
/// 10k random and mutated server streams fed to the parser in random pieces: it must only ever
/// return ops, ask for more bytes, or raise <see cref="NatsProtocolException"/> - and finish quickly.
/// </summary>
public sealed class NatsParserFuzzTests
{
    private static readonly string[] Valid =
    [
        "INFO {\"server_id\":\"x\",\"max_payload\":1048576}\r\n",
        "MSG a.b 1 5\r\nhello\r\n",
        "MSG a.b 12 reply.x 0\r\n\r\n",
        "HMSG a 2 18 21\r\nNATS/1.0\r\nK: v\r\n\r\nabc\r\n",
        "HMSG _INBOX.x.1 3 16 16\r\nNATS/1.0 503\r\n\r\n\r\n",
        "HMSG i 4 $JS.ACK.S.c.1.2.3.4.5 37 37\r\nNATS/1.0 100 Idle Heartbeat\r\nA: b\r\n\r\n\r\n",
        "PING\r\n", "PONG\r\n", "+OK\r\n", "-ERR 'Authorization Violation'\r\n",
    ];

    [Fact]
    public void Ten_thousand_random_and_mutated_inputs_yield_only_ops_or_protocol_errors()
    {
        var random = new Random(20261120);
        var watch = Stopwatch.StartNew();
        int ops = 0, errors = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var input = i % 4 == 0 ? RandomBytes(random) : Mutate(random, ValidStream(random));
            var (parsed, failed) = Feed(input, random);
            ops += parsed;
            errors += failed ? 1 : 0;
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"fuzzing took {watch.Elapsed}");
        Assert.True(ops > 10_000, $"mutations should leave many valid ops, got {ops}");
        Assert.True(errors > 1_000, $"mutations should produce many protocol errors, got {errors}");
    }

    [Fact]
    public void Valid_stream_parses_identically_whatever_the_split()
    {
        var random = new Random(7);
        var input = Encoding.ASCII.GetBytes(string.Concat(Valid));
        for (var i = 0; i < 200; i++)
        {
            var (parsed, failed) = Feed(input, random);
            Assert.False(failed);
            Assert.Equal(Valid.Length, parsed);
        }
    }

    [Theory]
    [InlineData("MSG a 1 99999999999\r\n", "exceeds the limit")]
    [InlineData("HMSG a 1 70000 70000\r\n", "header size")]
    [InlineData("HMSG a 1 20 10\r\n", "header size")]
    [InlineData("MSG a 1 -1\r\n", "bad message size")]
    [InlineData("MSG a x 1\r\nx\r\n", "bad subscription id")]
    [InlineData("MSG a 1 3\r\nabcXY", "not followed by CRLF")]
    [InlineData("MSG a\r\n", "arguments")]
    [InlineData("HMSG a 1 12 12\r\nNOPE/1.0\r\n\r\n\r\n", "NATS/1.0")]
    [InlineData("WHAT\r\n", "unknown operation")]
    public void Malformed_lines_raise_clear_protocol_errors(string input, string expected)
    {
        var parser = new NatsProtocolParser(4096, 64 * 1024, 1 << 20);
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(input));
        var error = Assert.Throws<NatsProtocolException>(() => parser.TryParse(ref buffer, out _));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Control_line_without_newline_is_capped()
    {
        var parser = new NatsProtocolParser(128, 1024, 1 << 20);
        var buffer = new ReadOnlySequence<byte>(new byte[129]);
        Assert.Throws<NatsProtocolException>(() => parser.TryParse(ref buffer, out _));
        var shorter = new ReadOnlySequence<byte>(new byte[100]);
        Assert.False(parser.TryParse(ref shorter, out _));
    }

    private static (int Parsed, bool Failed) Feed(byte[] input, Random random)
    {
        var parser = new NatsProtocolParser(1024, 4096, 64 * 1024);
        var pending = new List<byte>();
        var parsed = 0;
        var at = 0;
        while (at < input.Length)
        {
            var take = Math.Min(input.Length - at, random.Next(1, 64));
            pending.AddRange(input.AsSpan(at, take).ToArray());
            at += take;
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            var before = buffer.Length;
            try
            {
                for (var guard = 0; guard <= before; guard++)
                {
                    if (!parser.TryParse(ref buffer, out _))
                    {
                        break;
                    }

                    parsed++;
                    Assert.True(guard < before, "parser returned ops without consuming input");
                }
            }
            catch (NatsProtocolException)
            {
                return (parsed, true);
            }

            pending.RemoveRange(0, (int)(before - buffer.Length));
        }

        return (parsed, false);
    }

    private static byte[] ValidStream(Random random)
    {
        var builder = new StringBuilder();
        var count = random.Next(1, 8);
        for (var i = 0; i < count; i++)
        {
            builder.Append(Valid[random.Next(Valid.Length)]);
        }

        return Encoding.ASCII.GetBytes(builder.ToString());
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 300)];
        random.NextBytes(bytes);
        if (random.Next(2) == 0 && bytes.Length > 4)
        {
            // Start with a real verb sometimes so the argument paths get random input too.
            var verb = Encoding.ASCII.GetBytes(random.Next(2) == 0 ? "MSG " : "HMSG ");
            verb.CopyTo(bytes, 0);
        }

        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] input)
    {
        var bytes = input.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var position = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveAt(position);
                    break;
                case 2:
                    bytes.Insert(position, (byte)random.Next(256));
                    break;
                case 3:
                    bytes.RemoveRange(position, bytes.Count - position);
                    break;
                case 4:
                    bytes.InsertRange(position, Encoding.ASCII.GetBytes(random.Next(2) == 0 ? " 999999 " : "\r\n"));
                    break;
                default:
                    bytes[position] = (byte)"0123456789 \r\n"[random.Next(13)];
                    break;
            }
        }

        return [.. bytes];
    }
}
