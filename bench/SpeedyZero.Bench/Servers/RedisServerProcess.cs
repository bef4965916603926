using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SpeedyZero.Bench.Servers;

/// <summary>A throw-away Debian <c>redis-server</c> on a free loopback port (no persistence) for one bench run.</summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string directory;

    private RedisServerProcess(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts the binary; a missing one is an error that says what to install.</summary>
    public static async Task<RedisServerProcess> StartAsync(CancellationToken cancellationToken)
    {
        var binary = Environment.GetEnvironmentVariable("SPEEDYZERO_REDIS_SERVER") ?? "/usr/bin/redis-server";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"redis-server not found at {binary}: install the Debian package 'redis-server' (scripts/deps.sh)");
        }

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var directory = Directory.CreateTempSubdirectory("sz-bench-redis-").FullName;
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", directory, "--save", "", "--appendonly", "no", "--logfile", "" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServerProcess(process, directory, port);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                var stream = probe.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
                var buffer = new byte[16];
                var n = await stream.ReadAsync(buffer, cancellationToken);
                if (Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return server;
                }
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
            }

            await Task.Delay(25, cancellationToken);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"redis-server on port {port} did not answer PING within 10 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
