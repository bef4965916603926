using System.Net;
using System.Net.Sockets;

namespace SpeedyZero.Testing;

/// <summary>
/// A TCP proxy between a client and a real server that injects faults: it can cut server-to-client
/// bytes into tiny pieces (split frames), inject bytes towards the client, and drop every connection.
/// </summary>
public sealed class NatsFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(Socket Client, Socket Server)> _pairs = [];
    private readonly Task _acceptLoop;

    private NatsFaultProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>When above zero, server-to-client bytes are forwarded in pieces of at most this size.</summary>
    public int SplitServerBytes { get; set; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    public static NatsFaultProxy Start(int upstreamPort) => new(upstreamPort);

    /// <summary>Writes raw bytes to every connected client, as if the server had sent them.</summary>
    public async Task InjectToClientsAsync(byte[] bytes)
    {
        foreach (var (client, _) in Snapshot())
        {
            await client.SendAsync(bytes);
        }
    }

    /// <summary>Drops every open connection (both sides), as a network failure would.</summary>
    public void DropAll()
    {
        foreach (var (client, server) in Snapshot())
        {
            client.Close();
            server.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        DropAll();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }
    }

    private List<(Socket Client, Socket Server)> Snapshot()
    {
        lock (_pairs)
        {
            return [.. _pairs];
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            }
            catch (SocketException)
            {
                client.Close();
                server.Dispose();
                continue;
            }

            client.NoDelay = true;
            server.NoDelay = true;
            lock (_pairs)
            {
                _pairs.Add((client, server));
            }

            Accepted++;
            _ = PumpAsync(client, server, split: false);
            _ = PumpAsync(server, client, split: true);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool split)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                var piece = split && SplitServerBytes > 0 ? SplitServerBytes : read;
                for (var at = 0; at < read; at += piece)
                {
                    await to.SendAsync(buffer.AsMemory(at, Math.Min(piece, read - at)), _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // One side went away; close both below.
        }

        from.Close();
        to.Close();
    }
}
