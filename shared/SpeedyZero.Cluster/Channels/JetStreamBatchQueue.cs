using SpeedyZero.Engine;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Prometheus;
using SpeedyZero.Cluster.Channels.Chunking;
using SpeedyZero.Cluster.Contracts;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// Reanalyzers to learner over the batch work-queue stream, as <see cref="TrainBatchMessage"/>s.
/// The stream holds at most reanalyze.queue_capacity batches and refuses more (discard new), so a
/// publisher waits and retries while it is full: targets are never computed far ahead of their
/// use. A batch that fits under the server's max_payload is one message; a larger one is a
/// transfer of chunks (see <see cref="ChunkHeaders"/>), and the stream's limit is counted in chunks
/// (<see cref="ClusterStreams.BatchChunks(long, long)"/>). The learner keeps one pull consumer
/// open with a small prefetch, acks each message as it takes it and reassembles chunks before decoding.
/// </summary>
public sealed class JetStreamBatchQueue : IBatchQueue, IAsyncDisposable
{
    private static readonly TimeSpan FullRetry = TimeSpan.FromMilliseconds(20);
    private readonly ClusterContext context;
    private readonly int maxEncodedLength;
    // Batches used again and again: those a reanalyzer fills (free once encoded) and those the learner
    // decodes into (free once it gives them back). Two pools: a published batch never turns into a taken one.
    private readonly TrainBatchPool outgoing, incoming;
    // Names this process's transfers; an identifier, not a source of the run's randomness.
    private readonly string producer = Guid.NewGuid().ToString("N")[..12];
    private readonly Counter.Child redeliveries;
    private readonly ChunkAssembler assembler;
    // Messages the pump has received and the learner not yet taken; one slot, the prefetch is the server's.
    private readonly Channel<INatsJSMsg<byte[]>> inbox = Channel.CreateBounded<INatsJSMsg<byte[]>>(
        new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource stopping = new();
    private Task? pump;
    private long sequence;
    private int pendingEstimate;
    private long rejectedSeen, droppedSeen;

    /// <param name="transferTimeout">
    /// Time a chunked batch may take from its first chunk to its last before the learner drops
    /// it as incomplete (a reanalyzer that died mid-transfer).
    /// </param>
    public JetStreamBatchQueue(ClusterContext context, int batchSize, int unroll, int observationSize, int actionCount, TimeSpan? transferTimeout = null)
    {
        this.context = context;
        maxEncodedLength = TrainBatchMessage.MaxEncodedLength(batchSize, unroll, observationSize, actionCount);
        outgoing = new TrainBatchPool(batchSize, unroll, observationSize, actionCount);
        incoming = new TrainBatchPool(batchSize, unroll, observationSize, actionCount);
        redeliveries = context.Metrics.CreateCounter("speedyzero_jetstream_redeliveries_total",
                "JetStream messages received with a delivery count above 1.", ["stream", "consumer"])
            .WithLabels(context.Names.BatchStream, ClusterNames.LearnerConsumer);
        // Header claims beyond one batch of this shape are refused before anything is allocated.
        // Every reanalyzer has at most one transfer open, so 64 open transfers leave room for many.
        assembler = new ChunkAssembler(new ChunkAssemblerOptions
        {
            MaxTransferBytes = maxEncodedLength,
            MaxConcurrentTransfers = 64,
            Timeout = transferTimeout ?? TimeSpan.FromSeconds(30),
        });
    }

    /// <summary>Seconds publishers spent waiting on a full backlog.</summary>
    public double FullWaitSeconds { get; private set; }

    /// <summary>Chunks the learner refused as malformed (counted as decode errors too).</summary>
    public long RejectedChunks => assembler.Rejected;

    /// <summary>Chunked batches the learner dropped incomplete (counted as decode errors too).</summary>
    public long IncompleteBatches => assembler.DroppedIncomplete;

    /// <summary>Most chunked batches the learner held open at once (above 1 when publishers interleave).</summary>
    public int PeakOpenTransfers { get; private set; }

    /// <summary>Messages a batch of this shape takes under the connected server's max_payload.</summary>
    public int ChunksPerBatch => ClusterStreams.BatchChunks(maxEncodedLength, context.MaxPayload);

    /// <summary>Batches waiting (from the messages the stream reported pending at the last take).</summary>
    public int Count
    {
        get
        {
            var chunks = ChunksPerBatch;
            return (Volatile.Read(ref pendingEstimate) + chunks - 1) / chunks;
        }
    }

    public TrainBatch Rent() => outgoing.Rent();

    public void Return(TrainBatch batch) => incoming.Return(batch);

    public async ValueTask PublishAsync(TrainBatch batch, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref sequence);
        var data = Wire.Encode(TrainBatchMessage.From(batch, id));
        outgoing.Return(batch); // encoded: the bytes travel, the batch is free for the next one
        var transferId = $"{producer}-{id}";
        var chunkSize = ChunkSplitter.ChunkSizeFor(context.MaxPayload);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (data.Length <= chunkSize)
        {
            await PublishMessageAsync(data, transferId, null, cancellationToken);
        }
        else
        {
            // Each chunk is retried alone until stored (a full stream refuses one chunk, not the
            // transfer); its message id "transfer:index" makes a resend after a lost PubAck a
            // duplicate the stream does not store.
            foreach (var (headers, chunk) in ChunkSplitter.Split(data, chunkSize, transferId))
            {
                await PublishMessageAsync(chunk, $"{transferId}:{ChunkHeaders.Read(headers, ChunkHeaders.Index)}", headers, cancellationToken);
            }
        }

        FullWaitSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    public async ValueTask<TrainBatch> TakeAsync(CancellationToken cancellationToken)
    {
        var subject = context.Names.BatchSubject;
        context.DecodeErrors.Track(subject);
        pump ??= Task.Run(() => PumpAsync(stopping.Token), CancellationToken.None);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A prefetched message is taken without a timer; only an empty inbox waits (up to 1 s).
            var message = inbox.Reader.TryRead(out var ready) ? ready : await ReadOrSweepAsync(cancellationToken);

            assembler.Sweep();
            CountAssemblerLosses(subject);
            if (message is null) continue;
            if (message.Metadata is { } metadata)
            {
                if (metadata.NumDelivered > 1) redeliveries.Inc();
                Volatile.Write(ref pendingEstimate, (int)Math.Min(metadata.NumPending, int.MaxValue));
            }

            // A chunk (and a whole batch) is acked as soon as it is taken, so the stream frees its
            // place at once and publishers are not held back. A learner that crashes mid-transfer
            // loses that batch (and the few prefetched messages, redelivered after the ack wait);
            // that is acceptable, reanalyzers produce more.
            await message.AckAsync(cancellationToken: cancellationToken);
            var complete = assembler.TryAdd(message.Headers, message.Data ?? [], out var payload);
            CountAssemblerLosses(subject);
            PeakOpenTransfers = Math.Max(PeakOpenTransfers, assembler.InFlight + (complete ? 1 : 0));
            if (!complete) continue;

            var batch = incoming.Rent();
            try
            {
                Wire.Decode<TrainBatchMessage>(payload).CopyTo(batch);
                return batch;
            }
            catch (FormatException e)
            {
                incoming.Return(batch);
                context.DecodeErrors.Reject(subject, e);
            }
        }
    }

    /// <summary>
    /// One persistent pull consumer for the queue's lifetime: the server keeps up to
    /// <see cref="Prefetch"/> messages on their way to the learner, so a take finds its batch
    /// already here instead of paying a pull request (and, with a fetch per take, a subscription)
    /// per batch. Restarts after a server failure; any other failure ends the takes with it.
    /// </summary>
    // Waits up to a second for the next message; null when none came, so stale transfers get swept.
    private async ValueTask<INatsJSMsg<byte[]>?> ReadOrSweepAsync(CancellationToken cancellationToken)
    {
        using var sweep = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, sweep.Token);
        try
        {
            return await inbox.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var consumer = await context.JetStream.GetConsumerAsync(context.Names.BatchStream, ClusterNames.LearnerConsumer, cancellationToken);
                    await foreach (var message in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = Prefetch, Expires = TimeSpan.FromSeconds(5) },
                                       cancellationToken: cancellationToken))
                    {
                        await inbox.Writer.WriteAsync(message, cancellationToken);
                    }
                }
                catch (NatsException e)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    context.Logger.LogWarning("Consuming training batches failed, retrying: {Error}", e.Message);
                    await context.RestoreStreamsAsync(cancellationToken);
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // disposed
        }
        catch (Exception e)
        {
            inbox.Writer.TryComplete(e);
        }
    }

    /// <summary>Messages in flight to the learner: two batches' worth, within the consumer's max ack pending (16).</summary>
    private int Prefetch => Math.Clamp(2 * ChunksPerBatch, 2, 16);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (pump is not null) await pump;
        stopping.Dispose();
    }

    private async ValueTask PublishMessageAsync(ReadOnlyMemory<byte> data, string msgId, NatsHeaders? headers, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var ack = await context.JetStream.PublishAsync(context.Names.BatchSubject, data, opts: new NatsJSPubOpts { MsgId = msgId },
                    headers: headers, cancellationToken: cancellationToken);
                ack.EnsureSuccess();
                return;
            }
            // A refusal that answers a publish sent before the stop is the stop, not a failure:
            // the token is checked only after catching, so it ends the loop as a cancellation.
            catch (NatsJSApiException e) when (IsFull(e))
            {
                await Task.Delay(FullRetry, cancellationToken);
            }
            catch (NatsException e)
            {
                cancellationToken.ThrowIfCancellationRequested();
                context.Logger.LogWarning("Publishing a training batch failed, retrying: {Error}", e.Message);
                await context.RestoreStreamsAsync(cancellationToken);
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    /// <summary>Counts chunks the assembler refused and transfers it dropped incomplete since the last call (one taker).</summary>
    private void CountAssemblerLosses(string subject)
    {
        var rejected = assembler.Rejected;
        for (; rejectedSeen < rejected; rejectedSeen++)
        {
            context.DecodeErrors.Reject(subject, new FormatException($"malformed batch chunk: {assembler.LastRejection}"));
        }

        var dropped = assembler.DroppedIncomplete;
        for (; droppedSeen < dropped; droppedSeen++)
        {
            context.DecodeErrors.Reject(subject, new FormatException("a chunked batch did not complete in time and was dropped"));
        }
    }

    private static bool IsFull(NatsJSApiException e) =>
        e.Error.ErrCode == 10077 || (e.Error.Description?.Contains("maximum messages", StringComparison.OrdinalIgnoreCase) ?? false);
}
