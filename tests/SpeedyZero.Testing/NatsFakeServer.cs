using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SpeedyZero.Testing;

/// <summary>
/// A scripted NATS server for protocol edge cases: it accepts connections on a loopback port,
/// sends the INFO it was given, and leaves everything else to the test through <see cref="NatsFakeClient"/>.
/// </summary>
public sealed class NatsFakeServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _info;
    private readonly List<NatsFakeClient> _clients = [];

    private NatsFakeServer(TcpListener listener, string info)
    {
        _listener = listener;
        _info = info;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>Listens; <paramref name="infoJson"/> replaces the default INFO (max_payload 1 MiB, headers on).</summary>
    public static NatsFakeServer Start(string? infoJson = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new NatsFakeServer(listener, infoJson ??
            """{"server_id":"FAKE","server_name":"fake","version":"2.9.10","proto":1,"headers":true,"max_payload":1048576}""");
    }

    /// <summary>Waits for the next client and sends it INFO.</summary>
    public async Task<NatsFakeClient> AcceptAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var socket = await _listener.AcceptSocketAsync(cts.Token);
        socket.NoDelay = true;
        var client = new NatsFakeClient(socket);
        lock (_clients)
        {
            _clients.Add(client);
        }

        await client.SendAsync(Encoding.ASCII.GetBytes($"INFO {_info}\r\n"));
        return client;
    }

    /// <summary>Accepts a client and answers its CONNECT + PING with PONG; returns the client.</summary>
    public async Task<NatsFakeClient> AcceptHandshakeAsync(TimeSpan timeout)
    {
        var client = await AcceptAsync(timeout);
        var connect = await client.ReadLineAsync(timeout);
        if (!connect.StartsWith("CONNECT ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"expected CONNECT, got '{connect}'");
        }

        client.ConnectJson = connect["CONNECT ".Length..];
        var ping = await client.ReadLineAsync(timeout);
        if (ping != "PING")
        {
            throw new InvalidOperationException($"expected PING, got '{ping}'");
        }

        await client.SendAsync("PONG\r\n"u8.ToArray());
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        List<NatsFakeClient> clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
