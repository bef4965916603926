using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SpeedyZero.Bench.Servers;

/// <summary>
/// What the bench's throw-away servers share: a free loopback port, a temp folder, a started
/// process whose output is drained, and stopping it and deleting the folder. Each server
/// supplies its own readiness probe.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;

    private ServerProcess(Process process, string directory, int port)
    {
        this.process = process;
        Directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Directory { get; }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts <paramref name="binary"/> with the arguments <paramref name="arguments"/> builds from the port and folder.</summary>
    public static ServerProcess Start(string binary, string directoryPrefix, Func<int, string, IEnumerable<string>> arguments)
    {
        var port = FreePort();
        var directory = System.IO.Directory.CreateTempSubdirectory(directoryPrefix).FullName;
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments(port, directory))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, directory, port);
    }

    /// <summary>Polls <paramref name="ready"/> for up to 10 s; stops the server and throws when it never answers.</summary>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> ready, string what, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                if (await ready(cancellationToken))
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                // not listening yet
            }

            await Task.Delay(25, cancellationToken);
        }

        await DisposeAsync();
        throw new TimeoutException($"{what} on port {Port} was not ready within 10 s");
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
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }
}
