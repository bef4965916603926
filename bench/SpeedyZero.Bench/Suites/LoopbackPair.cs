using System.Net;
using System.Net.Sockets;

namespace SpeedyZero.Bench.Suites;

/// <summary>
/// The transport floor: a raw loopback TCP pair (no delay) whose far end reads a fixed number of bytes
/// and answers with one byte, so <see cref="RoundAsync"/> is "these bytes crossed loopback once and
/// the sender heard back".
/// </summary>
internal sealed class LoopbackPair : IAsyncDisposable
{
    private readonly Socket client;
    private readonly Socket server;
    private readonly Task echoing;
    private readonly byte[] reply = new byte[1];

    private LoopbackPair(Socket client, Socket server, int messageBytes)
    {
        this.client = client;
        this.server = server;
        echoing = Task.Run(() => AnswerAsync(server, messageBytes), CancellationToken.None);
    }

    public static async Task<LoopbackPair> OpenAsync(int messageBytes, CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accepting = listener.AcceptAsync(cancellationToken);
        await client.ConnectAsync(listener.LocalEndPoint!, cancellationToken);
        var server = await accepting;
        server.NoDelay = true;
        return new LoopbackPair(client, server, messageBytes);
    }

    /// <summary>Sends <paramref name="message"/> (the size given at open) and waits for the one-byte answer.</summary>
    public async Task RoundAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await client.SendAsync(message, cancellationToken);
        if (await client.ReceiveAsync(reply, cancellationToken) != 1)
        {
            throw new IOException("loopback peer closed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        client.Shutdown(SocketShutdown.Send);
        await echoing;
        client.Dispose();
        server.Dispose();
    }

    private static async Task AnswerAsync(Socket socket, int messageBytes)
    {
        var buffer = new byte[Math.Min(messageBytes, 1 << 20)];
        var answer = new byte[1];
        var got = 0;
        int read;
        while ((read = await socket.ReceiveAsync(buffer.AsMemory(0, Math.Min(buffer.Length, messageBytes - got)))) > 0)
        {
            got += read;
            if (got == messageBytes)
            {
                got = 0;
                await socket.SendAsync(answer);
            }
        }
    }
}
