using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SpeedyZero.Storage.Tests;

/// <summary>
/// A scripted server for protocol edge cases a real Redis never produces: answers the client's handshake
/// PING, then runs the test's script against the socket.
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
            using var client = await listener.AcceptTcpClientAsync();
            await using var stream = client.GetStream();
            await ReadUntilAsync(stream, "PING\r\n");
            await stream.WriteAsync("+PONG\r\n"u8.ToArray());
            await script(stream);
        });
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

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
