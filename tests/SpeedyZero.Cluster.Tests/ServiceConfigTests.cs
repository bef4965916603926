using SpeedyZero.Training.Config;

namespace SpeedyZero.Cluster.Tests;

/// <summary>The service hosts' configuration: the Kubernetes config file loads with the real loader, bad input exits 2 naming the key.</summary>
public class ServiceConfigTests
{
    private static string RepoFile(string relative)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "speedyzero-k8s.sln"))) directory = directory.Parent;
        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("repository root not found"), relative);
    }

    [Fact]
    public void The_kubernetes_config_loads_with_the_service_loader_and_the_manifests_environment()
    {
        var config = ConfigLoader.LoadService(RepoFile("k8s/base/config/config.yaml"), new Dictionary<string, string>
        {
            ["SPEEDYZERO__NATS__USER"] = "speedyzero",
            ["SPEEDYZERO__NATS__PASSWORD"] = "secret",
            ["SPEEDYZERO__REDIS__PASSWORD"] = "secret",
            ["SPEEDYZERO__ENGINE__THREADS"] = "2",
            ["SPEEDYZERO__ENGINE__DEVICE"] = "cuda",
            ["SPEEDYZERO__NODE__ID"] = "actor-7f9c",
        }, []);
        Assert.Equal("cartpole", config.Preset);
        Assert.Equal("cartpole", config.Env.Name); // from the preset underneath the file
        Assert.Equal(16, config.Env.Parallel); // the file over the preset
        Assert.Equal("nats://nats:4222", config.Nats.Url);
        Assert.Equal("speedyzero", config.Nats.User);
        Assert.Equal("redis:6379", config.Redis.Endpoint);
        Assert.Equal(9090, config.Metrics.Port);
        Assert.Equal(2, config.Engine.Threads);
        Assert.Equal(Engine.EngineDevice.Cuda, config.Engine.Device);
        Assert.Equal("/var/lib/speedyzero/run", config.Learner.RunDir);
        Assert.Equal("actor-7f9c", config.Node.Id);
    }

    [Theory]
    [InlineData("SPEEDYZERO__NATS__URL", "http://nats:4222", "nats.url")]
    [InlineData("SPEEDYZERO__REDIS__ENDPOINT", "redis:notaport", "redis.endpoint")]
    [InlineData("SPEEDYZERO__METRICS__PORT", "70000", "metrics.port")]
    [InlineData("SPEEDYZERO__ENGINE__DEVICE", "tpu", "engine.device")]
    [InlineData("SPEEDYZERO__RUN__THREADS", "2", "'run.threads' was replaced by 'engine.threads'")]
    [InlineData("SPEEDYZERO__MODEL__DEVICE", "cuda", "'model.device' was replaced by 'engine.device'")]
    [InlineData("SPEEDYZERO__LEARNER__BATCH_SIZE", "1", "learner.batch_size")]
    [InlineData("SPEEDYZERO__LEARNER__NO_SUCH_KEY", "1", "learner.no_such_key")]
    public async Task A_role_with_an_invalid_configuration_exits_2_naming_the_key(string variable, string value, string key)
    {
        using var role = new RoleProcess("replay", ["replay", "--config", RepoFile("k8s/base/config/config.yaml")],
            new Dictionary<string, string> { [variable] = value }, 0);
        Assert.Equal(2, await role.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(key, role.Output);
        Assert.Contains("invalid configuration", role.Output);
    }
}
