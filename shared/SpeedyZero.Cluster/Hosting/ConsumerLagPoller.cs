using Prometheus;

namespace SpeedyZero.Cluster.Hosting;

/// <summary>Polls a durable consumer's info every 10 s into the pending / ack-pending gauges.</summary>
public static class ConsumerLagPoller
{
    public static Task RunAsync(ClusterContext context, string stream, string consumer, CancellationToken cancellationToken)
    {
        var pending = context.Metrics.CreateGauge("speedyzero_jetstream_consumer_pending_messages",
            "Messages in the stream not yet delivered to this durable consumer.", ["stream", "consumer"]).WithLabels(stream, consumer);
        var ackPending = context.Metrics.CreateGauge("speedyzero_jetstream_consumer_ack_pending_messages",
            "Messages delivered but not yet acked.", ["stream", "consumer"]).WithLabels(stream, consumer);
        context.Metrics.CreateCounter("speedyzero_jetstream_redeliveries_total",
            "JetStream messages received with a delivery count above 1.", ["stream", "consumer"]).WithLabels(stream, consumer);
        return Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var info = (await context.JetStream.GetConsumerAsync(stream, consumer, cancellationToken)).Info;
                    pending.Set(info.NumPending);
                    ackPending.Set(info.NumAckPending);
                    await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception)
                {
                    await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
        }, CancellationToken.None);
    }
}
