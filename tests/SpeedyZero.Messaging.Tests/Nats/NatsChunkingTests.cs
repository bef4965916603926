using SpeedyZero.Messaging.Chunking;
using SpeedyZero.Messaging.JetStream;
using SpeedyZero.Messaging.Nats;
using SpeedyZero.Testing;

namespace SpeedyZero.Messaging.Tests.Nats;

/// <summary>Payloads larger than max_payload: split, sent, reassembled identical; bad chunks refused.</summary>
public sealed class NatsChunkingTests
{
    private const int TensorBytes = 64 * 1024 * 1024;

    private static byte[] Tensor()
    {
        var bytes = new byte[TensorBytes];
        new Random(64).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_64_MB_tensor_goes_through_JetStream_identical()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        var js = new JetStreamContext(connection);
        await js.CreateStreamAsync(new StreamConfig { Name = "WEIGHTS", Subjects = ["weights"], Storage = StorageType.File });
        await js.CreateConsumerAsync("WEIGHTS", new ConsumerConfig { DurableName = "learner", MaxAckPending = 200 });
        var tensor = Tensor();

        var transferId = await ChunkedPublisher.PublishAsync(js, "weights", tensor);
        var stored = await js.GetStreamAsync("WEIGHTS");
        Assert.Equal(65, stored.State.Messages); // 64 MiB in chunks of (1 MiB - 1 KiB)

        // Sending the same transfer again stores nothing new: every chunk has a message id.
        await ChunkedPublisher.PublishAsync(js, "weights", tensor, transferId);
        Assert.Equal(65, (await js.GetStreamAsync("WEIGHTS")).State.Messages);

        var assembler = new ChunkAssembler();
        ReadOnlyMemory<byte> received = default;
        for (var round = 0; round < 20 && received.IsEmpty; round++)
        {
            foreach (var message in await js.FetchAsync("WEIGHTS", "learner", new FetchOptions { Batch = 32, Expires = TimeSpan.FromSeconds(2) }))
            {
                if (assembler.TryAdd(message.Headers, message.Data, out var payload))
                {
                    received = payload;
                }

                await message.AckAsync();
            }
        }

        Assert.Equal(TensorBytes, received.Length);
        Assert.True(received.Span.SequenceEqual(tensor));
        Assert.Equal(1, assembler.Completed);
        Assert.Equal(0, assembler.InFlight);
    }

    [Fact]
    public async Task A_64_MB_tensor_goes_through_core_NATS_identical()
    {
        await using var server = await NatsServer.StartAsync();
        await using var sender = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        await using var receiver = await NatsConnection.ConnectAsync(NatsOptions.Default with { Url = server.Url });
        await using var subscription = await receiver.SubscribeAsync("tensor", capacity: 128);
        await receiver.PingAsync();
        var tensor = Tensor();

        await ChunkedPublisher.PublishAsync(sender, "tensor", tensor);
        var assembler = new ChunkAssembler();
        ReadOnlyMemory<byte> received = default;
        while (received.IsEmpty)
        {
            var message = await subscription.NextAsync(TimeSpan.FromSeconds(10));
            if (assembler.TryAdd(message.Headers, message.Data, out var payload))
            {
                received = payload;
            }
        }

        Assert.True(received.Span.SequenceEqual(tensor));
        Assert.Equal(0, subscription.Dropped);
    }

    [Fact]
    public void Interleaved_transfers_and_repeated_chunks_reassemble()
    {
        var a = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var b = Enumerable.Range(0, 777).Select(i => (byte)(i * 7)).ToArray();
        var chunksA = ChunkSplitter.Split(a, 100, "a").ToList();
        var chunksB = ChunkSplitter.Split(b, 100, "b").ToList();
        var assembler = new ChunkAssembler();
        var done = new List<byte[]>();
        var order = chunksA.Zip(chunksB.Concat(Enumerable.Repeat(chunksB[0], 2))).SelectMany(p => new[] { p.First, p.Second }).Reverse();
        foreach (var (headers, data) in order)
        {
            if (assembler.TryAdd(headers, data, out var payload))
            {
                done.Add(payload.ToArray());
            }
        }

        Assert.Equal(2, done.Count);
        Assert.Contains(done, d => d.SequenceEqual(a));
        Assert.Contains(done, d => d.SequenceEqual(b));
        Assert.Equal(0, assembler.Rejected);
    }

    [Fact]
    public void Unchunked_messages_pass_through()
    {
        var assembler = new ChunkAssembler();
        Assert.True(assembler.TryAdd(null, new byte[] { 1, 2 }, out var payload));
        Assert.Equal(new byte[] { 1, 2 }, payload.ToArray());
        Assert.True(assembler.TryAdd(new NatsHeaders().Add("Other", "x"), new byte[] { 3 }, out payload));
        Assert.Equal(new byte[] { 3 }, payload.ToArray());
    }

    [Fact]
    public void Incomplete_transfers_time_out_and_are_counted()
    {
        var clock = new ManualClock();
        var assembler = new ChunkAssembler(new ChunkAssemblerOptions { Timeout = TimeSpan.FromSeconds(5) }, clock);
        var chunks = ChunkSplitter.Split(new byte[300], 100, "t").ToList();
        Assert.False(assembler.TryAdd(chunks[0].Headers, chunks[0].Data, out _));
        Assert.False(assembler.TryAdd(chunks[1].Headers, chunks[1].Data, out _));
        clock.Now += TimeSpan.FromSeconds(6);
        assembler.Sweep();
        Assert.Equal(1, assembler.DroppedIncomplete);
        Assert.Equal(0, assembler.InFlight);
        Assert.False(assembler.TryAdd(chunks[2].Headers, chunks[2].Data, out _)); // a late chunk opens a new, incomplete transfer
        Assert.Equal(1, assembler.InFlight);
    }

    [Theory]
    [InlineData("0", "2", "100", "0", 60, "")]            // consistent: accepted, incomplete
    [InlineData("2", "2", "100", "0", 10, "not below")]   // index past count
    [InlineData("0", "0", "100", "0", 10, "outside")]     // zero chunks
    [InlineData("0", "99999", "100", "0", 10, "outside")] // too many chunks
    [InlineData("0", "2", "999999999999", "0", 10, "exceeds")] // claims more than allowed: no allocation
    [InlineData("1", "2", "100", "95", 10, "runs past")]  // writes past the end
    [InlineData("x", "2", "100", "0", 10, "non-numeric")]
    [InlineData("0", "2", "-5", "0", 10, "non-numeric")]
    [InlineData("0", "1", "100", "0", 10, "does not match")] // single chunk shorter than the total
    public void Malformed_chunk_headers_are_rejected_before_allocating(string index, string count, string total, string offset, int length, string expected)
    {
        var assembler = new ChunkAssembler(new ChunkAssemblerOptions { MaxChunks = 1000, MaxTransferBytes = 1 << 20 });
        var headers = new NatsHeaders()
            .Add(ChunkHeaders.TransferId, "t").Add(ChunkHeaders.Index, index).Add(ChunkHeaders.Count, count)
            .Add(ChunkHeaders.TotalLength, total).Add(ChunkHeaders.Offset, offset);
        Assert.False(assembler.TryAdd(headers, new byte[length], out _));
        if (expected.Length == 0)
        {
            Assert.Equal(0, assembler.Rejected);
            Assert.Equal(1, assembler.InFlight);
        }
        else
        {
            Assert.Equal(1, assembler.Rejected);
            Assert.Contains(expected, assembler.LastRejection);
            Assert.Equal(0, assembler.InFlight);
        }
    }

    [Fact]
    public void Chunks_disagreeing_on_the_transfer_shape_drop_it()
    {
        var assembler = new ChunkAssembler();
        var chunks = ChunkSplitter.Split(new byte[300], 100, "t").ToList();
        Assert.False(assembler.TryAdd(chunks[0].Headers, chunks[0].Data, out _));
        var forged = ChunkSplitter.Split(new byte[400], 100, "t").ToList();
        Assert.False(assembler.TryAdd(forged[1].Headers, forged[1].Data, out _));
        Assert.Equal(1, assembler.Rejected);
        Assert.Equal(0, assembler.InFlight);
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
