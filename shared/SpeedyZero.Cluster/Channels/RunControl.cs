using System.Globalization;
using NATS.Client.Core;
using SpeedyZero.Cluster.Contracts;

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
        await context.RedisAsync(db => db.StringSetAsync(context.Names.Finished, learnerStep.ToString(CultureInfo.InvariantCulture)));
        await context.Nats.PublishAsync(context.Names.RunFinished, Wire.Encode(new CounterMessage { Value = learnerStep }), cancellationToken: cancellationToken);
    }

    /// <summary>Completes when the run is marked finished (polling Redis every 2 s besides the subscription); a server away meanwhile only delays it.</summary>
    public static async Task WaitFinishedAsync(ClusterContext context, CancellationToken cancellationToken)
    {
        var subject = context.Names.RunFinished;
        context.DecodeErrors.Track(subject);
        await using var subscription = await context.Nats.SubscribeCoreAsync<byte[]>(subject,
            opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 4 } }, cancellationToken: cancellationToken);
        while (true)
        {
            try
            {
                if (!(await context.RedisAsync(db => db.StringGetAsync(context.Names.Finished))).IsNull) return;
            }
            catch (StackExchange.Redis.RedisException)
            {
                // Redis is away (restarting): the subscription still hears the learner, and the next poll asks again.
            }

            using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            poll.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                var message = await subscription.Msgs.ReadAsync(poll.Token);
                try
                {
                    Wire.Decode<CounterMessage>(message.Data ?? []);
                    return;
                }
                catch (FormatException e)
                {
                    context.DecodeErrors.Reject(subject, e);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // poll Redis again
            }
        }
    }
}
