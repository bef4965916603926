using System.Globalization;
using SpeedyZero.Cluster.Wire;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// End of the run: the learner, having taken its last step, sets <c>{p}:run:finished</c> to its
/// step and announces it on <c>{p}.control.finished</c>; the other roles stop (exit 0) when they
/// see either. A restarted role finds the key and stops at once.
/// </summary>
public static class RunControl
{
    public static async Task MarkFinishedAsync(ClusterContext context, long learnerStep, CancellationToken cancellationToken)
    {
        await context.RedisAsync(r => r.SetAsync(context.Names.Finished, learnerStep.ToString(CultureInfo.InvariantCulture), cancellationToken: cancellationToken));
        await context.Nats.PublishAsync(context.Names.RunFinished, WireFields.Write(WireKind.Counter, (2, learnerStep)), cancellationToken: cancellationToken);
    }

    /// <summary>Completes when the run is marked finished (polling Redis every 2 s besides the subscription).</summary>
    public static async Task WaitFinishedAsync(ClusterContext context, CancellationToken cancellationToken)
    {
        var subject = context.Names.RunFinished;
        context.DecodeErrors.Track(subject);
        await using var subscription = await context.Nats.SubscribeAsync(subject, capacity: 4, cancellationToken: cancellationToken);
        while (true)
        {
            if (await context.RedisAsync(r => r.GetStringAsync(context.Names.Finished, cancellationToken)) is not null) return;
            try
            {
                var message = await subscription.NextAsync(TimeSpan.FromSeconds(2), cancellationToken);
                try
                {
                    WireFields.Read(message.Data.Span, WireKind.Counter).Int(2);
                    return;
                }
                catch (FormatException e)
                {
                    context.DecodeErrors.Reject(subject, e);
                }
            }
            catch (Messaging.Nats.NatsTimeoutException)
            {
                // poll Redis again
            }
        }
    }
}
