using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SpeedyZero.Testing;

/// <summary>
/// A real Debian redis-server for one test class: 127.0.0.1 on a free port, data in its own temp folder,
/// no RDB snapshots. Stops (SHUTDOWN, then kill) and restarts on the same port and folder. A missing
/// binary fails the test with instructions; it is never a skip.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>Path of the server binary; SPEEDYZERO_REDIS_SERVER overrides it.</summary>
    public static readonly string BinaryPath = Environment.GetEnvironmentVariable("SPEEDYZERO_REDIS_SERVER") ?? "/usr/bin/redis-server";

    private readonly RedisServerSettings settings;
    private readonly Queue<string> outputTail = new();
    private Process? process;

    private RedisServer(RedisServerSettings settings, int port, int? tlsPort, string directory)
    {
        this.settings = settings;
        Port = port;
        TlsPort = tlsPort;
        DataDirectory = directory;
    }

    public string Host => "127.0.0.1";

    /// <summary>Plain TCP port.</summary>
    public int Port { get; }

    /// <summary>TLS port when <see cref="RedisServerSettings.Tls"/> is set.</summary>
    public int? TlsPort { get; }

    public string DataDirectory { get; }

    public bool IsRunning => process is { HasExited: false };

    /// <summary>Last lines the server printed, for failure messages.</summary>
    public string OutputTail
    {
        get
        {
            lock (outputTail)
            {
                return string.Join('\n', outputTail);
            }
        }
    }

    public static async Task<RedisServer> StartAsync(RedisServerSettings? settings = null, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(BinaryPath))
        {
            throw new InvalidOperationException(
                $"redis-server not found at {BinaryPath}: install the Debian package 'redis-server' (scripts/deps.sh does) " +
                "or point SPEEDYZERO_REDIS_SERVER at the binary. Tests that need Redis fail rather than skip.");
        }

        settings ??= RedisServerSettings.Default;
        var directory = Directory.CreateTempSubdirectory("speedyzero-redis-").FullName;
        var server = new RedisServer(settings, FreePort(), settings.Tls is null ? null : FreePort(), directory);
        try
        {
            await server.LaunchAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>SHUTDOWN (which flushes the append-only file) and wait; kills if it does not exit in 10 s.</summary>
    public async Task StopAsync()
    {
        if (process is not { HasExited: false } running)
        {
            return;
        }

        try
        {
            await SendAsync("SHUTDOWN", expectReply: false, TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            // Kill below.
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await running.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
        }
    }

    /// <summary>Kills the server at once (SIGKILL): no AOF flush, sockets reset.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false } running)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
        }
    }

    /// <summary>Stops and starts again on the same port and data folder.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await LaunchAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            process?.Dispose();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still being closed; the temp folder is cleaned by the OS eventually.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        string[] args =
        [
            "--bind", Host, "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dir", DataDirectory, "--save", "", "--daemonize", "no", "--logfile", "",
            "--appendonly", settings.AppendOnly ? "yes" : "no",
            // The replay acks a segment once its transaction returned: with fsync on every write
            // that reply means the segment is on disk (docs/cluster.md, "Durability").
            "--appendfsync", "always",
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (settings.Password is { } password)
        {
            start.ArgumentList.Add("--requirepass");
            start.ArgumentList.Add(password);
        }

        if (settings.Tls is { } tls)
        {
            foreach (var arg in new[]
            {
                "--tls-port", TlsPort!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tls-cert-file", tls.CertificateFile, "--tls-key-file", tls.KeyFile, "--tls-ca-cert-file", tls.CaFile,
                "--tls-auth-clients", tls.RequireClientCertificates ? "yes" : "no",
            })
            {
                start.ArgumentList.Add(arg);
            }
        }

        process?.Dispose();
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilReadyAsync(cancellationToken);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process!.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} during start:\n{OutputTail}");
            }

            try
            {
                var reply = await SendAsync("PING", expectReply: true, TimeSpan.FromSeconds(1));
                if (reply.Contains("PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or TimeoutException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"redis-server on port {Port} did not answer PING within 15 s:\n{OutputTail}");
    }

    /// <summary>Path of redis-cli (Debian redis-tools); SPEEDYZERO_REDIS_CLI overrides it.</summary>
    public static readonly string CliPath = Environment.GetEnvironmentVariable("SPEEDYZERO_REDIS_CLI") ?? "/usr/bin/redis-cli";

    // redis-cli rather than the client under test, so the supervision of the server does not
    // depend on the code the tests exercise. The password travels in REDISCLI_AUTH, not argv.
    private async Task<string> SendAsync(string command, bool expectReply, TimeSpan timeout)
    {
        if (!File.Exists(CliPath))
        {
            throw new InvalidOperationException(
                $"redis-cli not found at {CliPath}: install the Debian package 'redis-tools' (scripts/deps.sh does) " +
                "or point SPEEDYZERO_REDIS_CLI at the binary.");
        }

        var start = new ProcessStartInfo(CliPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-h", Host, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), command })
        {
            start.ArgumentList.Add(arg);
        }

        if (settings.Password is { } password) start.Environment["REDISCLI_AUTH"] = password;
        using var cli = Process.Start(start)!;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var output = cli.StandardOutput.ReadToEndAsync(cts.Token);
            var errors = cli.StandardError.ReadToEndAsync(cts.Token);
            await cli.WaitForExitAsync(cts.Token);
            var text = await output + await errors;
            if (expectReply && cli.ExitCode != 0) throw new IOException($"redis-cli {command}: exit {cli.ExitCode}: {text.Trim()}");
            return text;
        }
        catch (OperationCanceledException)
        {
            cli.Kill(entireProcessTree: true);
            throw new TimeoutException($"redis-server on port {Port} did not answer {command} within {timeout.TotalSeconds} s");
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (outputTail)
        {
            outputTail.Enqueue(line);
            while (outputTail.Count > 40)
            {
                outputTail.Dequeue();
            }
        }
    }
}
