using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SpeedyZero.Bench.Servers;

/// <summary>A throw-away <c>nats-server -js</c> on a free loopback port for one bench run.</summary>
public sealed class NatsServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private NatsServerProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>Starts the Debian binary; a missing binary is an error that says what to install.</summary>
    public static async Task<NatsServerProcess> StartAsync(CancellationToken cancellationToken)
    {
        var binary = new[] { Environment.GetEnvironmentVariable("NATS_SERVER_BIN") ?? "", "/usr/sbin/nats-server", "/usr/bin/nats-server" }
            .FirstOrDefault(p => p.Length > 0 && File.Exists(p))
            ?? throw new InvalidOperationException("nats-server not found: install the Debian package 'nats-server' (scripts/deps.sh)");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var directory = Path.Combine(Path.GetTempPath(), "sz-bench-nats-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-js", "-a", "127.0.0.1", "-p", port.ToString(), "-sd", directory })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new NatsServerProcess(process, directory, port);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(25, cancellationToken);
            }
        }

        await server.DisposeAsync();
        throw new TimeoutException($"nats-server did not listen on {port} within 10 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }
}
