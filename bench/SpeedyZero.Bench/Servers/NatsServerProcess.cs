using System.Net;
using System.Net.Sockets;

namespace SpeedyZero.Bench.Servers;

/// <summary>A throw-away <c>nats-server -js</c> on a free loopback port for one bench run.</summary>
public sealed class NatsServerProcess : IAsyncDisposable
{
    private readonly ServerProcess server;

    private NatsServerProcess(ServerProcess server) => this.server = server;

    public int Port => server.Port;

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>Starts the Debian binary; a missing binary is an error that says what to install.</summary>
    public static async Task<NatsServerProcess> StartAsync(CancellationToken cancellationToken)
    {
        var binary = new[] { Environment.GetEnvironmentVariable("NATS_SERVER_BIN") ?? "", "/usr/sbin/nats-server", "/usr/bin/nats-server" }
            .FirstOrDefault(p => p.Length > 0 && File.Exists(p))
            ?? throw new InvalidOperationException("nats-server not found: install the Debian package 'nats-server' (scripts/deps.sh)");
        var server = ServerProcess.Start(binary, "sz-bench-nats-",
            (port, directory) => ["-js", "-a", "127.0.0.1", "-p", port.ToString(), "-sd", directory]);
        await server.WaitUntilReadyAsync(async ct =>
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync(IPAddress.Loopback, server.Port, ct);
            return true;
        }, "nats-server", cancellationToken);
        return new NatsServerProcess(server);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
