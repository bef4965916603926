using SpeedyZero.Cluster.Channels;
using SpeedyZero.LocalServers;
using SpeedyZero.Training.Config;

namespace SpeedyZero.Cluster.Tests;

/// <summary>The run clock shared through Redis and NATS broadcasts, against real servers.</summary>
public class RunClockTests
{
    [Fact]
    public async Task A_clock_that_missed_the_broadcasts_catches_up_from_redis_and_the_learner_keeps_its_own_count()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        var config = ConfigLoader.Load("cartpole", null, new Dictionary<string, string>(),
            [$"nats.url={nats.Url}", $"redis.endpoint=127.0.0.1:{redis.Port}"]);
        await using var actorContext = await TestContexts.ConnectAsync(config);
        await using var learnerContext = await TestContexts.ConnectAsync(config);
        await using var actorClock = await NatsRunClock.StartAsync(actorContext, CancellationToken.None);
        await using var learnerClock = await NatsRunClock.StartAsync(learnerContext, CancellationToken.None);

        // Broadcasts: what one adds, the other sees.
        actorClock.AddEnvSteps(10);
        learnerClock.SetLearnerSteps(3);
        await WaitForAsync(() => learnerClock.EnvSteps == 10 && actorClock.LearnerSteps == 3, "the broadcasts");

        // Totals written while the broadcasts were lost (as across a NATS restart): Redis alone has them.
        var names = actorContext.Names;
        await actorContext.Db.HashIncrementAsync(names.Clock, "env_steps", 500);
        await actorContext.Db.HashSetAsync(names.Clock, "learner_steps", 7);
        await WaitForAsync(() => learnerClock.EnvSteps == 510 && actorClock.LearnerSteps == 7, "the totals read back from Redis");

        // The learner's own count is not taken back from Redis, where it lands only after a flush.
        await Task.Delay(1500);
        Assert.Equal(3, learnerClock.LearnerSteps);
        Assert.Equal(510, actorClock.EnvSteps);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
