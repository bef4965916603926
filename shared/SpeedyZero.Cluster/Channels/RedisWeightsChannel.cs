using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using SpeedyZero.Cluster.Contracts;
using StackExchange.Redis;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Cluster.Channels;

/// <summary>
/// Versioned weights: the learner writes the blob to Redis (<c>{p}:weights:{kind}:{version}</c>,
/// the previous version is kept one publication longer, older ones deleted), points
/// <c>{p}:weights:{kind}:latest</c> at it and announces it on <c>{p}.weights.{kind}</c>.
/// Subscribers remember the newest announcement (a bounded core-NATS subscription that drops when
/// slow, so the learner never waits for them), poll the latest key now and then for announcements
/// they missed, and fetch the blob only when it is newer than what they hold.
/// </summary>
public sealed class RedisWeightsChannel(ClusterContext context) : IWeightsChannel, IAsyncDisposable
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);
    private readonly long[] announced = [-1, -1];
    private readonly List<long>[] published = [[], []];
    private readonly long[] lastPoll = [0, 0];
    private readonly List<INatsSub<byte[]>> subscriptions = [];
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> loops = [];

    /// <summary>Newest version announced (or found in Redis) for <paramref name="kind"/>; -1 before any.</summary>
    public long LatestSeen(WeightsKind kind) => Interlocked.Read(ref announced[(int)kind]);

    /// <summary>Subscribes to the announcements of the given kinds (subscribers only; the learner does not need this).</summary>
    public async Task SubscribeAsync(CancellationToken cancellationToken, params WeightsKind[] kinds)
    {
        foreach (var kind in kinds)
        {
            var subject = context.Names.WeightsAnnounce(kind);
            context.DecodeErrors.Track(subject);
            var subscription = await context.Nats.SubscribeCoreAsync<byte[]>(subject,
                opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 16 } }, cancellationToken: cancellationToken);
            subscriptions.Add(subscription);
            loops.Add(Task.Run(() => ListenAsync(kind, subject, subscription, stop.Token), CancellationToken.None));
        }
    }

    public async ValueTask PublishAsync(WeightsKind kind, long version, ReadOnlyMemory<byte> weights, CancellationToken cancellationToken)
    {
        var names = context.Names;
        var key = names.WeightsBlob(kind, version);
        await context.RedisAsync(db => db.StringSetAsync(key, weights));
        await context.RedisAsync(db => db.StringSetAsync(names.WeightsLatest(kind), version.ToString(CultureInfo.InvariantCulture)));
        // Keep the previous version for subscribers fetching it right now; delete the one before.
        var kept = published[(int)kind];
        if (kept.Count == 0 || kept[^1] != version) kept.Add(version);
        while (kept.Count > 2)
        {
            var doomed = names.WeightsBlob(kind, kept[0]);
            kept.RemoveAt(0);
            await context.RedisAsync(db => db.KeyDeleteAsync(doomed));
        }

        var announcement = new WeightsAnnouncement
        {
            WeightsVersion = version,
            RedisKey = key,
            ByteLength = weights.Length,
            Sha256 = SHA256.HashData(weights.Span),
            LearnerStep = version,
            CreatedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        await context.Nats.PublishAsync(names.WeightsAnnounce(kind), Wire.Encode(announcement), cancellationToken: cancellationToken);
    }

    public async ValueTask<long?> ReadNewerAsync(WeightsKind kind, long haveVersion, WeightsReader read, CancellationToken cancellationToken)
    {
        try
        {
            // The blob arrives in a pooled lease, handed back once read: no array per version.
            var (version, lease) = await FetchNewerAsync(kind, haveVersion);
            using (lease)
            {
                if (lease is null) return null;
                read(version, lease.Span);
                return version;
            }
        }
        catch (StackExchange.Redis.RedisException e)
        {
            // Redis is away (restarting): keep computing with the weights in hand and ask again later.
            context.Logger.LogWarning("Reading the {Kind} weights failed, keeping version {Version}: {Error}", kind, haveVersion, e.Message);
            return null;
        }
    }

    private async Task<(long Version, Lease<byte>? Blob)> FetchNewerAsync(WeightsKind kind, long haveVersion)
    {
        var slot = (int)kind;
        var now = Environment.TickCount64;
        if (LatestSeen(kind) <= haveVersion && now - Interlocked.Read(ref lastPoll[slot]) < PollEvery.TotalMilliseconds)
        {
            return (-1, null);
        }

        // Redis holds the truth: read the latest version there, then its blob.
        Interlocked.Exchange(ref lastPoll[slot], now);
        var latestText = await context.RedisAsync(db => db.StringGetAsync(context.Names.WeightsLatest(kind)));
        if (latestText.IsNull || !long.TryParse((string?)latestText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var latest))
        {
            return (-1, null);
        }

        Raise(slot, latest);
        if (latest <= haveVersion)
        {
            return (-1, null);
        }

        return (latest, await context.RedisAsync(db => db.StringGetLeaseAsync(context.Names.WeightsBlob(kind, latest))));
    }

    private async Task ListenAsync(WeightsKind kind, string subject, INatsSub<byte[]> subscription, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in subscription.Msgs.ReadAllAsync(cancellationToken))
            {
                try
                {
                    var announcement = Wire.Decode<WeightsAnnouncement>(message.Data ?? []);
                    Raise((int)kind, announcement.WeightsVersion);
                    Interlocked.Exchange(ref lastPoll[(int)kind], 0); // fetch on the next GetNewer
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
        catch (Exception e)
        {
            context.Logger.LogError(e, "Weights announcements on {Subject} stopped", subject);
        }
    }

    private void Raise(int slot, long version)
    {
        long seen;
        while ((seen = Interlocked.Read(ref announced[slot])) < version && Interlocked.CompareExchange(ref announced[slot], version, seen) != seen)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
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
