using System.Globalization;
using Microsoft.Extensions.Logging;
using SpeedyZero.Cluster.Wire;
using SpeedyZero.Messaging.Nats;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// The run's shared progress. Redis hash <c>{p}:clock</c> holds the totals (env steps summed with
/// HINCRBY by every actor, learner steps set by the learner) so a restarted role starts from
/// them; every change is also broadcast on <c>{p}.clock.env</c> / <c>{p}.clock.learner</c> and
/// each process keeps the latest it saw. Local additions are flushed every 50 ms, off the role's thread.
/// </summary>
public sealed class NatsRunClock : IRunClock, IAsyncDisposable
{
    private const string EnvField = "env_steps";
    private const string LearnerField = "learner_steps";
    private readonly ClusterContext context;
    private readonly CancellationTokenSource stop = new();
    private readonly List<NatsSubscription> subscriptions = [];
    private readonly List<Task> loops = [];
    private long envSteps;
    private long pendingEnv;
    private long learnerSteps;
    private long learnerToWrite = -1;

    private NatsRunClock(ClusterContext context) => this.context = context;

    public static async Task<NatsRunClock> StartAsync(ClusterContext context, CancellationToken cancellationToken)
    {
        var clock = new NatsRunClock(context);
        var names = context.Names;
        foreach (var subject in new[] { names.ClockEnv, names.ClockLearner })
        {
            context.DecodeErrors.Track(subject);
            var subscription = await context.Nats.SubscribeAsync(subject, capacity: 256, cancellationToken: cancellationToken);
            clock.subscriptions.Add(subscription);
            clock.loops.Add(Task.Run(() => clock.ListenAsync(subject, subscription, clock.stop.Token)));
        }

        var stored = await context.RedisAsync(r => r.HMGetAsync(names.Clock, [EnvField, LearnerField], cancellationToken));
        clock.Raise(ref clock.envSteps, Parse(stored[0]));
        Interlocked.Exchange(ref clock.learnerSteps, Parse(stored[1]));
        clock.loops.Add(Task.Run(() => clock.FlushLoopAsync(clock.stop.Token)));
        return clock;
    }

    public long EnvSteps => Interlocked.Read(ref envSteps) + Interlocked.Read(ref pendingEnv);

    public long LearnerSteps => Interlocked.Read(ref learnerSteps);

    public void AddEnvSteps(long steps) => Interlocked.Add(ref pendingEnv, steps);

    public void SetLearnerSteps(long steps)
    {
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
            try
            {
                var total = await context.RedisAsync(r => r.ExecuteAsync(["HINCRBY", names.Clock, EnvField, pending], cancellationToken));
                var value = total.ThrowIfError().AsInt64();
                Raise(ref envSteps, value);
                await context.Nats.PublishAsync(names.ClockEnv, WireFields.Write(WireKind.Counter, (2, value)), cancellationToken: cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Add(ref pendingEnv, pending); // try again on the next flush
                throw;
            }
        }

        var learner = Interlocked.Exchange(ref learnerToWrite, -1);
        if (learner >= 0)
        {
            await context.RedisAsync(r => r.HSetAsync(names.Clock, LearnerField, learner.ToString(CultureInfo.InvariantCulture), cancellationToken));
            await context.Nats.PublishAsync(names.ClockLearner, WireFields.Write(WireKind.Counter, (2, learner)), cancellationToken: cancellationToken);
        }
    }

    private async Task FlushLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(50, cancellationToken);
                await FlushAsync(cancellationToken);
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

    private async Task ListenAsync(string subject, NatsSubscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in subscription.ReadAllAsync(cancellationToken))
            {
                try
                {
                    var value = WireFields.Read(message.Data.Span, WireKind.Counter).Int(2);
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

    private static long Parse(ReadOnlyMemory<byte>? value) =>
        value is { } bytes && long.TryParse(System.Text.Encoding.ASCII.GetString(bytes.Span), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;

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
