using System.Diagnostics;

namespace SpeedyZero.LocalServers;

/// <summary>
/// What a local server process shares: its port, its temp folder, the last lines it printed,
/// start with a readiness probe, kill (SIGKILL), graceful stop, restart on the same port and
/// folder, and removal of the folder on dispose. A missing binary fails loudly: nothing skips.
/// </summary>
public abstract class LocalServer : IAsyncDisposable
{
    private readonly Queue<string> output = new();
    private readonly string binary;
    private Process? process;

    protected LocalServer(string binary, string directoryPrefix)
    {
        this.binary = binary;
        Port = LocalPorts.Free();
        Directory = System.IO.Directory.CreateTempSubdirectory(directoryPrefix).FullName;
    }

    /// <summary>The plain TCP port, kept across restarts.</summary>
    public int Port { get; }

    /// <summary>The server's own temp folder, kept across restarts and deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>The last 40 lines the server printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return string.Join('\n', output);
            }
        }
    }

    protected abstract string Name { get; }

    protected abstract IEnumerable<string> Arguments();

    /// <summary>True once the server answers its protocol's greeting; false (or an IOException) while it does not.</summary>
    protected abstract Task<bool> AnswersAsync(CancellationToken cancellationToken);

    /// <summary>Asks the server to exit cleanly (flushing what it holds).</summary>
    protected abstract Task RequestShutdownAsync();

    /// <summary>Kills the server at once (SIGKILL): no flush, connections reset. <see cref="RestartAsync"/> starts it again.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false } running)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
        }
    }

    /// <summary>A clean exit (the server's own shutdown), killing after 10 s.</summary>
    public async Task StopAsync()
    {
        if (process is not { HasExited: false } running)
        {
            return;
        }

        try
        {
            await RequestShutdownAsync();
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            // Killed below.
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await running.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
        }
    }

    /// <summary>Stops and starts again on the same port with the same folder and settings.</summary>
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
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a dying process; the OS temp cleaner gets it.
            }
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Launches <paramref name="server"/>; on failure removes its folder and rethrows.</summary>
    protected static async Task<T> StartAsync<T>(T server, CancellationToken cancellationToken)
        where T : LocalServer
    {
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

    /// <summary>The process id while running (for signals).</summary>
    protected int ProcessId => process?.Id ?? throw new InvalidOperationException($"{Name} is not running");

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{Name} not found at {binary}: install it with scripts/deps.sh (Debian packages nats-server, redis-server, redis-tools)");
        }

        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var argument in Arguments())
        {
            start.ArgumentList.Add(argument);
        }

        process?.Dispose();
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} on port {Port} exited with code {process.ExitCode} at start:\n{Output}");
            }

            try
            {
                if (await AnswersAsync(cancellationToken))
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or TimeoutException or System.Net.Sockets.SocketException)
            {
                // Not listening yet.
            }

            await Task.Delay(25, cancellationToken);
        }

        throw new TimeoutException($"{Name} on port {Port} did not answer within 15 s:\n{Output}");
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line);
            while (output.Count > 40)
            {
                output.Dequeue();
            }
        }
    }
}
