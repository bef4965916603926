using System.Net.Sockets;
using System.Text;

namespace SpeedyZero.Testing;

/// <summary>The fake server's side of one client connection: read what the client sent, send scripted bytes, drop.</summary>
public sealed class NatsFakeClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    internal NatsFakeClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The JSON of the client's CONNECT, once a handshake was accepted.</summary>
    public string? ConnectJson { get; internal set; }

    /// <summary>Next CRLF-terminated line the client sent (without CRLF).</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var chunk = new byte[4096];
        while (true)
        {
            var index = IndexOfNewline();
            if (index >= 0)
            {
                var line = Encoding.UTF8.GetString(_pending.GetRange(0, index).ToArray()).TrimEnd('\r');
                _pending.RemoveRange(0, index + 1);
                return line;
            }

            var read = await _stream.ReadAsync(chunk, cts.Token);
            if (read == 0)
            {
                throw new IOException("client closed the connection");
            }

            _pending.AddRange(chunk.AsSpan(0, read).ToArray());
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (a payload) the client sent.</summary>
    public async Task<byte[]> ReadBytesAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var chunk = new byte[4096];
        while (_pending.Count < count)
        {
            var read = await _stream.ReadAsync(chunk, cts.Token);
            if (read == 0)
            {
                throw new IOException("client closed the connection");
            }

            _pending.AddRange(chunk.AsSpan(0, read).ToArray());
        }

        var bytes = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return bytes;
    }

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends <paramref name="bytes"/> in pieces of at most <paramref name="pieceSize"/> bytes, with a pause between them.</summary>
    public async Task SendSplitAsync(byte[] bytes, int pieceSize, TimeSpan pause)
    {
        for (var at = 0; at < bytes.Length; at += pieceSize)
        {
            await _stream.WriteAsync(bytes.AsMemory(at, Math.Min(pieceSize, bytes.Length - at)));
            await _stream.FlushAsync();
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause);
            }
        }
    }

    /// <summary>Closes the connection abruptly.</summary>
    public void Drop()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone.
        }

        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        Drop();
        await _stream.DisposeAsync();
    }

    private int IndexOfNewline()
    {
        for (var i = 0; i < _pending.Count; i++)
        {
            if (_pending[i] == (byte)'\n')
            {
                return i;
            }
        }

        return -1;
    }
}
