using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace SpeedyZero.Testing;

/// <summary>
/// A real Debian <c>nats-server -js</c> on a free loopback port with its store in a temp folder.
/// Restart keeps the port and the store. A missing binary fails loudly: tests never skip.
/// </summary>
public sealed partial class NatsServer : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly string _binary;
    private readonly string? _configFile;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private NatsServer(string binary, int port, string directory, string? configFile)
    {
        _binary = binary;
        Port = port;
        Directory = directory;
        _configFile = configFile;
    }

    public int Port { get; }

    /// <summary>The temp folder (store under store/, config in nats.conf); deleted on dispose.</summary>
    public string Directory { get; }

    public string StoreDirectory => Path.Combine(Directory, "store");

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a server. <paramref name="config"/> is nats-server config text (authorization, tls,
    /// max_payload...); a "{dir}" inside it is replaced by the temp folder.
    /// </summary>
    public static async Task<NatsServer> StartAsync(string? config = null, CancellationToken cancellationToken = default)
    {
        var binary = FindBinary();
        var directory = Path.Combine(Path.GetTempPath(), "sz-nats-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        string? configFile = null;
        if (config is not null)
        {
            configFile = Path.Combine(directory, "nats.conf");
            await File.WriteAllTextAsync(configFile, config.Replace("{dir}", directory), cancellationToken);
        }

        var server = new NatsServer(binary, FreePort(), directory, configFile);
        try
        {
            await server.LaunchAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Path of the nats-server binary, or a loud failure saying how to install it.</summary>
    public static string FindBinary()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("NATS_SERVER_BIN");
        string[] candidates = [fromEnvironment ?? "", "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"];
        foreach (var candidate in candidates)
        {
            if (candidate.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "nats-server not found (looked at $NATS_SERVER_BIN, /usr/sbin, /usr/bin, /usr/local/bin). " +
            "Install the Debian package: 'sudo apt-get install nats-server' (or run scripts/deps.sh). Tests never skip.");
    }

    /// <summary>Stops gracefully (SIGTERM, so the file store is flushed), killing after 5 s.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            _ = Kill(process.Id, SigTerm);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
    }

    /// <summary>Kills the server at once (SIGKILL): no flush, connections reset. <see cref="RestartAsync"/> starts it again.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } running)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
        }
    }

    /// <summary>Stops and starts again on the same port with the same store and config.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await LaunchAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the OS temp cleaner gets it.
        }
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_configFile is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(_configFile);
        }

        foreach (var argument in new[] { "-js", "-a", "127.0.0.1", "-p", Port.ToString(), "-sd", StoreDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {_binary}");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nats-server exited with code {process.ExitCode} at start:\n{Log}");
            }

            if (await AcceptsAsync(cancellationToken))
            {
                return;
            }

            await Task.Delay(25, cancellationToken);
        }

        throw new TimeoutException($"nats-server did not accept connections on port {Port} within 15 s:\n{Log}");
    }

    private async Task<bool> AcceptsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var buffer = new byte[4];
            var read = await client.GetStream().ReadAsync(buffer, timeout.Token);
            return read == 4 && Encoding.ASCII.GetString(buffer) == "INFO";
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
