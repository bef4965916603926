using System.Globalization;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using SpeedyZero.Cluster.Contracts;
using StackExchange.Redis;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// The run's shared progress. Redis hash <c>{p}:clock</c> holds the totals (env steps summed with
/// HINCRBY by every actor, learner steps set by the learner) so a restarted role starts from
/// them; every change is also broadcast on <c>{p}.clock.env</c> / <c>{p}.clock.learner</c> and
/// each process keeps the latest it saw. Local additions are flushed every 50 ms, off the role's thread.
/// Every second each process also reads the totals back from Redis: a broadcast sent while a
/// subscriber was reconnecting (a NATS restart) is lost, and a clock that missed one could hold an
/// actor waiting for a learner step it has already seen, while the learner waits for env steps.
/// </summary>
public sealed class NatsRunClock : IRunClock, IAsyncDisposable
{
    private const string EnvField = "env_steps";
    private const string LearnerField = "learner_steps";
    private static readonly TimeSpan ReadBackEvery = TimeSpan.FromSeconds(1);
    private readonly ClusterContext context;
    private readonly CancellationTokenSource stop = new();
    private readonly List<INatsSub<byte[]>> subscriptions = [];
    private readonly List<Task> loops = [];
    private long envSteps;
    private long pendingEnv;
    private long learnerSteps;
    private long learnerToWrite = -1;
    private volatile bool writesLearner; // the learner's own count is ahead of Redis until flushed: never read it back

    private NatsRunClock(ClusterContext context) => this.context = context;

    public static async Task<NatsRunClock> StartAsync(ClusterContext context, CancellationToken cancellationToken)
    {
        var clock = new NatsRunClock(context);
        var names = context.Names;
        foreach (var subject in new[] { names.ClockEnv, names.ClockLearner })
        {
            context.DecodeErrors.Track(subject);
            var subscription = await context.Nats.SubscribeCoreAsync<byte[]>(subject,
                opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 256 } }, cancellationToken: cancellationToken);
            clock.subscriptions.Add(subscription);
            clock.loops.Add(Task.Run(() => clock.ListenAsync(subject, subscription, clock.stop.Token), CancellationToken.None));
        }

        await clock.ReadBackAsync();
        clock.loops.Add(Task.Run(() => clock.FlushLoopAsync(clock.stop.Token), CancellationToken.None));
        return clock;
    }

    public long EnvSteps => Interlocked.Read(ref envSteps) + Interlocked.Read(ref pendingEnv);

    public long LearnerSteps => Interlocked.Read(ref learnerSteps);

    public void AddEnvSteps(long steps) => Interlocked.Add(ref pendingEnv, steps);

    public void SetLearnerSteps(long steps)
    {
        writesLearner = true;
        Interlocked.Exchange(ref learnerSteps, steps);
        Interlocked.Exchange(ref learnerToWrite, steps);
    }

    /// <summary>Writes what is pending now (also done every 50 ms and at dispose).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var names = context.Names;
        var pending = Interlocked.Exchange(ref pendingEnv, 0);
        if (pending > 0)
        {
            long value;
            try
            {
                value = await context.RedisAsync(db => db.HashIncrementAsync(names.Clock, EnvField, pending));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Add(ref pendingEnv, pending); // not counted: try again on the next flush
                throw;
            }

            // Counted: a broadcast that fails now is not retried (that would count the steps twice); the read-back carries the total.
            Raise(ref envSteps, value);
            await context.Nats.PublishAsync(names.ClockEnv, Wire.Encode(new CounterMessage { Value = value }), cancellationToken: cancellationToken);
        }

        var learner = Interlocked.Exchange(ref learnerToWrite, -1);
        if (learner >= 0)
        {
            try
            {
                await context.RedisAsync(db => db.HashSetAsync(names.Clock, LearnerField, learner));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.CompareExchange(ref learnerToWrite, learner, -1); // unless a newer step came meanwhile
                throw;
            }

            await context.Nats.PublishAsync(names.ClockLearner, Wire.Encode(new CounterMessage { Value = learner }), cancellationToken: cancellationToken);
        }
    }

    /// <summary>Takes the totals stored in Redis, the run's record, over what the broadcasts brought.</summary>
    private async Task ReadBackAsync()
    {
        var stored = await context.RedisAsync(db => db.HashGetAsync(context.Names.Clock, [EnvField, LearnerField]));
        Raise(ref envSteps, Parse(stored[0]));
        if (!writesLearner) Interlocked.Exchange(ref learnerSteps, Parse(stored[1]));
    }

    private async Task FlushLoopAsync(CancellationToken cancellationToken)
    {
        var lastReadBack = Environment.TickCount64;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(50, cancellationToken);
                await FlushAsync(cancellationToken);
                if (Environment.TickCount64 - lastReadBack >= ReadBackEvery.TotalMilliseconds)
                {
                    lastReadBack = Environment.TickCount64;
                    await ReadBackAsync();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                context.Logger.LogWarning("Run clock flush failed, retrying: {Error}", e.Message);
            }
        }
    }

    private async Task ListenAsync(string subject, INatsSub<byte[]> subscription, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in subscription.Msgs.ReadAllAsync(cancellationToken))
            {
                try
                {
                    var value = Wire.Decode<CounterMessage>(message.Data ?? []).Value;
                    if (subject == context.Names.ClockEnv) Raise(ref envSteps, value);
                    else Interlocked.Exchange(ref learnerSteps, value);
                }
                catch (FormatException e)
                {
                    context.DecodeErrors.Reject(subject, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private static long Parse(RedisValue value) =>
        !value.IsNull && long.TryParse((string?)value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private void Raise(ref long field, long value)
    {
        long seen;
        while ((seen = Interlocked.Read(ref field)) < value && Interlocked.CompareExchange(ref field, value, seen) != seen)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await FlushAsync(timeout.Token);
        }
        catch (Exception e)
        {
            context.Logger.LogWarning("Final run clock flush failed: {Error}", e.Message);
        }

        foreach (var subscription in subscriptions) await subscription.DisposeAsync();
        try
        {
            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception)
        {
            // stopping
        }

        stop.Dispose();
    }
}
