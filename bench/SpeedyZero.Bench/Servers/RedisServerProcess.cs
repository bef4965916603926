using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SpeedyZero.Bench.Servers;

/// <summary>A throw-away Debian <c>redis-server</c> on a free loopback port (no persistence) for one bench run.</summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly ServerProcess server;

    private RedisServerProcess(ServerProcess server) => this.server = server;

    public int Port => server.Port;

    /// <summary>Starts the binary; a missing one is an error that says what to install.</summary>
    public static async Task<RedisServerProcess> StartAsync(CancellationToken cancellationToken)
    {
        var binary = Environment.GetEnvironmentVariable("SPEEDYZERO_REDIS_SERVER") ?? "/usr/bin/redis-server";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"redis-server not found at {binary}: install the Debian package 'redis-server' (scripts/deps.sh)");
        }

        var server = ServerProcess.Start(binary, "sz-bench-redis-", (port, directory) =>
        [
            "--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", directory,
            "--save", "", "--appendonly", "no", "--logfile", "",
        ]);
        await server.WaitUntilReadyAsync(async ct =>
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync(IPAddress.Loopback, server.Port, ct);
            var stream = probe.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
            var buffer = new byte[16];
            var n = await stream.ReadAsync(buffer, ct);
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }, "redis-server", cancellationToken);
        return new RedisServerProcess(server);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
