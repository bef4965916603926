using SpeedyZero.Cluster.Channels;
using SpeedyZero.LocalServers;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Config;

namespace SpeedyZero.Cluster.Tests;

/// <summary>Weights through Redis and NATS announcements, against real servers.</summary>
public class WeightsChannelTests
{
    [Fact]
    public async Task A_follower_reads_each_newer_version_as_published_while_the_learner_reuses_its_buffer()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        var config = ConfigLoader.Load("cartpole", null, new Dictionary<string, string>(),
            [$"nats.url={nats.Url}", $"redis.endpoint=127.0.0.1:{redis.Port}"]);
        await using var learnerContext = await TestContexts.ConnectAsync(config);
        await using var followerContext = await TestContexts.ConnectAsync(config);
        await using var learner = new RedisWeightsChannel(learnerContext);
        await using var follower = new RedisWeightsChannel(followerContext);
        await follower.SubscribeAsync(CancellationToken.None, WeightsKind.Target);

        byte[]? seen = null;
        WeightsReader read = (_, w) => seen = w.ToArray();
        Assert.Null(await follower.ReadNewerAsync(WeightsKind.Target, -1, read, CancellationToken.None));

        var random = new Random(5);
        var exported = new byte[300_000]; // the learner exports every version into this one buffer
        for (var version = 100; version <= 400; version += 100)
        {
            random.NextBytes(exported);
            var published = exported.ToArray();
            await learner.PublishAsync(WeightsKind.Target, version, exported, CancellationToken.None);
            exported.AsSpan().Clear();

            long? got = null;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (got is null && DateTime.UtcNow < deadline)
            {
                got = await follower.ReadNewerAsync(WeightsKind.Target, version - 100, read, CancellationToken.None);
                if (got is null) await Task.Delay(20);
            }

            Assert.Equal(version, got);
            Assert.Equal(published, seen);
            Assert.Null(await follower.ReadNewerAsync(WeightsKind.SelfPlay, -1, read, CancellationToken.None));
        }
    }
}
