namespace SpeedyZero.Deploy.Tests;

/// <summary>The server and training configs the manifests mount, checked by the real servers where they can.</summary>
public class ConfigFileTests
{
    [Fact]
    public void Nats_server_accepts_its_config_with_credentials_from_the_environment()
    {
        var nats = Tool.Require("nats-server", "Install Debian's 'nats-server' package (make deps).");
        var config = Repo.PathOf("k8s/base/config/nats.conf");
        var ok = Tool.Run(nats, ["-t", "-c", config], environment: new Dictionary<string, string?>
        {
            ["NATS_USER"] = "u", ["NATS_PASSWORD"] = "p",
        });
        Assert.True(ok.ExitCode == 0, "nats-server -t rejected nats.conf:\n" + ok.Output);

        // The credentials really come from the environment: without them the config is invalid.
        var missing = Tool.Run(nats, ["-t", "-c", config], environment: new Dictionary<string, string?>
        {
            ["NATS_USER"] = null, ["NATS_PASSWORD"] = null,
        });
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("NATS_USER", missing.Output);

        var text = Repo.Read("k8s/base/config/nats.conf");
        Assert.Contains("store_dir: /data/jetstream", text);
    }

    [Fact]
    public void Redis_server_loads_its_config()
    {
        var redis = Tool.Require("redis-server", "Install Debian's 'redis-server' package (make deps).");
        var dir = Directory.CreateTempSubdirectory("speedyzero-redis-conf-");
        try
        {
            // Same file with the data directory moved to a temp folder; port 0 makes the server
            // stop right after loading the configuration instead of serving.
            var conf = Repo.Read("k8s/base/config/redis.conf").Replace("dir /data", "dir " + dir.FullName, StringComparison.Ordinal);
            var path = Path.Combine(dir.FullName, "redis.conf");
            File.WriteAllText(path, conf);
            var result = Tool.Run(redis, [path, "--port", "0"], workingDirectory: dir.FullName, timeoutSeconds: 20);
            Assert.True(result.Output.Contains("Configuration loaded", StringComparison.Ordinal), "redis-server rejected redis.conf:\n" + result.Output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        var text = Repo.Read("k8s/base/config/redis.conf");
        Assert.Contains("appendonly yes", text);
        Assert.Contains("maxmemory-policy noeviction", text);
        Assert.DoesNotContain("requirepass", text.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
    }

    [Fact]
    public void Training_config_points_at_the_cluster_services()
    {
        var config = Yaml.Load(Repo.Read("k8s/base/config/config.yaml"));
        Assert.Equal("nats://nats:4222", config.At("nats", "url").Str());
        Assert.Equal("redis:6379", config.At("redis", "endpoint").Str());
        Assert.Equal("9090", config.At("metrics", "port")?.ToString());
        Assert.False(string.IsNullOrEmpty(config.At("preset").Str()));
        // Never a secret in the config: credentials arrive as SPEEDYZERO__* variables.
        foreach (var section in new[] { "nats", "redis" })
        {
            Assert.Null(config.At(section, "password"));
        }
        var objects = Kustomize.Render("k8s/overlays/cpu");
        Assert.Contains(objects, o => o.Id == "Service/nats" && o.Node.At("spec", "ports").Items().Any(p => p.At("port")?.ToString() == "4222"));
        Assert.Contains(objects, o => o.Id == "Service/redis" && o.Node.At("spec", "ports").Items().Any(p => p.At("port")?.ToString() == "6379"));
    }
}
