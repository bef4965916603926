using System.Net;
using System.Net.Sockets;
using System.Text;
using SpeedyZero.Storage.Redis;

namespace SpeedyZero.Storage.Tests;

/// <summary>
/// A scripted server for protocol edge cases a real Redis never produces: answers the client's handshake
/// PING, then runs the test's script against the socket. Every connection gets the script, so a client whose
/// handshake timed out on a starved machine can connect again.
/// </summary>
internal sealed class RedisFakeServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Task serving;

    public RedisFakeServer(Func<NetworkStream, Task> script)
    {
        listener.Start();
        serving = Task.Run(async () =>
        {
            var connections = new List<Task>();
            try
            {
                while (true)
                {
                    var client = await listener.AcceptTcpClientAsync();
                    connections.Add(Task.Run(() => ServeAsync(client, script)));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped by DisposeAsync.
            }

            await Task.WhenAll(connections);
        });
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>
    /// Client options for this server. The connect limit is generous: these tests assert on replies, not on
    /// how fast a loaded machine connects, and a one-off server gives little room for retries.
    /// </summary>
    public RedisOptions ClientOptions(RedisOptions? options = null)
        => (options ?? RedisOptions.Default) with { Port = Port, ConnectTimeout = TimeSpan.FromSeconds(30) };

    /// <summary>Reads until the client has sent <paramref name="marker"/> (bounded to 1 MB).</summary>
    public static async Task ReadUntilAsync(NetworkStream stream, string marker)
    {
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains(marker, StringComparison.Ordinal) && seen.Length < (1 << 20))
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                return;
            }

            seen.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
    }

    /// <summary>
    /// Keeps the connection open, discarding what the client sends, until the client hangs up (or
    /// <paramref name="limit"/>, 30 s by default, passes). Scripts end with this instead of a fixed delay: the
    /// client sees no end-of-stream before it has acted on the reply, and the test ends as soon as it has.
    /// </summary>
    public static async Task WaitForHangUpAsync(NetworkStream stream, TimeSpan? limit = null)
    {
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A reset is a hang-up too; the limit only bounds a client that never closes.
        }
    }

    private static async Task ServeAsync(TcpClient client, Func<NetworkStream, Task> script)
    {
        using (client)
        {
            await using var stream = client.GetStream();
            await ReadUntilAsync(stream, "PING\r\n");
            await stream.WriteAsync("+PONG\r\n"u8.ToArray());
            await script(stream);
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        try
        {
            await serving.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or TimeoutException)
        {
            // The client hung up first; that is what several tests do on purpose.
        }
    }
}
