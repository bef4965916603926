using Microsoft.Extensions.Logging;
using SpeedyZero.Cluster.Wire;
using SpeedyZero.Messaging.JetStream;
using SpeedyZero.Messaging.Nats;
using SpeedyZero.Metrics;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// Reanalyzers to learner over the batch work-queue stream. The stream holds at most
/// reanalyze.queue_capacity batches and refuses more (discard new), so a publisher waits and
/// retries while it is full: targets are never computed far ahead of their use. The learner
/// pulls one batch at a time and acks it as it takes it.
/// </summary>
public sealed class JetStreamBatchQueue(ClusterContext context, int batchSize, int unroll, int observationSize, int actionCount) : IBatchQueue
{
    private static readonly TimeSpan FullRetry = TimeSpan.FromMilliseconds(20);
    private readonly long producer = Random.Shared.NextInt64(1, 1L << 40);
    private readonly CounterSeries redeliveries = context.Metrics.CreateCounter("speedyzero_jetstream_redeliveries_total",
            "JetStream messages received with a delivery count above 1.", "stream", "consumer")
        .WithLabels(context.Names.BatchStream, ClusterNames.LearnerConsumer);
    private long sequence;
    private int pendingEstimate;

    /// <summary>Seconds publishers spent waiting on a full backlog.</summary>
    public double FullWaitSeconds { get; private set; }

    public int Count => Volatile.Read(ref pendingEstimate);

    public async ValueTask PublishAsync(TrainingBatch batch, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref sequence);
        var data = BatchWire.Encode(batch, id);
        var msgId = $"{producer:x}-{id}";
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                await context.JetStream.PublishAsync(context.Names.BatchSubject, data, msgId: msgId, cancellationToken: cancellationToken);
                FullWaitSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
                return;
            }
            catch (JetStreamApiException e) when (IsFull(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(FullRetry, cancellationToken);
            }
            catch (Exception e) when (e is NatsException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                context.Logger.LogWarning("Publishing a training batch failed, retrying: {Error}", e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    public async ValueTask<TrainingBatch> TakeAsync(CancellationToken cancellationToken)
    {
        var subject = context.Names.BatchSubject;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<JsMsg> messages;
            try
            {
                messages = await context.JetStream.FetchAsync(context.Names.BatchStream, ClusterNames.LearnerConsumer,
                    new FetchOptions { Batch = 1, Expires = TimeSpan.FromSeconds(1) }, cancellationToken);
            }
            catch (Exception e) when (e is NatsException or TimeoutException or JetStreamApiException && !cancellationToken.IsCancellationRequested)
            {
                context.Logger.LogWarning("Fetching a training batch failed, retrying: {Error}", e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
                continue;
            }

            foreach (var message in messages)
            {
                if (message.Delivered > 1) redeliveries.Inc();
                Volatile.Write(ref pendingEstimate, (int)Math.Min(message.Pending, int.MaxValue));
                try
                {
                    var batch = BatchWire.Decode(message.Data.Span, batchSize, unroll, observationSize, actionCount);
                    await message.AckAsync(cancellationToken);
                    return batch;
                }
                catch (FormatException e)
                {
                    context.DecodeErrors.Reject(subject, e);
                    await message.TermAsync(cancellationToken);
                }
            }
        }
    }

    private static bool IsFull(JetStreamApiException e) =>
        e.ErrorCode == 10077 || e.Description.Contains("maximum messages", StringComparison.OrdinalIgnoreCase);
}
