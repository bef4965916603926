using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace SpeedyZero.Messaging.Nats;

/// <summary>
/// One established socket (TCP, optionally TLS) after a successful INFO / CONNECT / PING / PONG
/// handshake. The connection owns one at a time and replaces it on reconnect.
/// </summary>
internal sealed class NatsTransport : IAsyncDisposable
{
    private readonly Socket _socket;

    private NatsTransport(Socket socket, Stream stream, PipeReader input, NatsServerInfo info)
    {
        _socket = socket;
        Stream = stream;
        Input = input;
        Info = info;
    }

    public Stream Stream { get; }

    public PipeReader Input { get; }

    public NatsServerInfo Info { get; }

    /// <summary>Connects and handshakes within <see cref="NatsOptions.ConnectTimeout"/>.</summary>
    public static async Task<NatsTransport> ConnectAsync(NatsOptions options, NatsProtocolParser parser, CancellationToken cancellationToken)
    {
        var uri = ParseUrl(options.Url);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        PipeReader? input = null;
        try
        {
            await socket.ConnectAsync(uri.Host, uri.Port, timeout.Token);
            stream = new NetworkStream(socket, ownsSocket: false);
            input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
            var infoOp = await ReadOpAsync(input, parser, timeout.Token);
            if (infoOp.Kind != NatsOpKind.Info)
            {
                throw new NatsProtocolException($"server's first operation was {infoOp.Kind}, expected INFO");
            }

            var info = JsonSerializer.Deserialize<NatsServerInfo>(infoOp.Text!)
                ?? throw new NatsProtocolException("server INFO is empty");
            parser.MaxMessageBytes = info.MaxPayload + options.MaxHeaderBytes;

            var wantTls = options.TlsRequired || uri.Scheme == "tls";
            if (wantTls && !info.TlsRequired && !info.TlsAvailable)
            {
                throw new NatsException($"TLS is required by the client but the server at {uri.Host}:{uri.Port} does not offer it");
            }

            var useTls = wantTls || info.TlsRequired;
            if (useTls)
            {
                // The server sends nothing more until the TLS handshake, so the plain reader holds no bytes.
                await input.CompleteAsync();
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(TlsOptions(options, uri.Host), timeout.Token);
                stream = ssl;
                input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
            }

            var connect = new NatsConnectCommand
            {
                TlsRequired = useTls,
                Name = options.Name,
                Echo = options.Echo,
                User = options.User,
                Pass = options.Password,
                AuthToken = options.Token,
            };
            var hello = Encoding.UTF8.GetBytes($"CONNECT {JsonSerializer.Serialize(connect)}\r\nPING\r\n");
            await stream.WriteAsync(hello, timeout.Token);
            await stream.FlushAsync(timeout.Token);

            while (true)
            {
                var op = await ReadOpAsync(input, parser, timeout.Token);
                switch (op.Kind)
                {
                    case NatsOpKind.Pong:
                        return new NatsTransport(socket, stream, input, info);
                    case NatsOpKind.Err when IsAuthError(op.Text):
                        throw new NatsAuthException($"server {uri.Host}:{uri.Port} refused the credentials: {op.Text}");
                    case NatsOpKind.Err:
                        throw new NatsProtocolException($"server {uri.Host}:{uri.Port} rejected CONNECT: {op.Text}");
                    default:
                        continue;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Dispose(socket, stream, input);
            throw new NatsTimeoutException($"connect to {uri.Host}:{uri.Port} did not finish within {options.ConnectTimeout}");
        }
        catch (AuthenticationException ex)
        {
            Dispose(socket, stream, input);
            throw new NatsException($"TLS handshake with {uri.Host}:{uri.Port} failed: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            Dispose(socket, stream, input);
            throw new NatsException($"cannot connect to {uri.Host}:{uri.Port}: {ex.Message}", ex);
        }
        catch
        {
            Dispose(socket, stream, input);
            throw;
        }
    }

    /// <summary>Tears the socket down so pending reads and writes fail at once.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer.
        }

        _socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        await Input.CompleteAsync();
        await Stream.DisposeAsync();
    }

    internal static Uri ParseUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "nats" && uri.Scheme != "tls"))
        {
            throw new ArgumentException($"NATS URL '{url}' must look like nats://host:port or tls://host:port");
        }

        return uri.Port > 0 ? uri : new UriBuilder(uri) { Port = 4222 }.Uri;
    }

    private static bool IsAuthError(string? text) =>
        text is not null && (text.Contains("Authorization", StringComparison.OrdinalIgnoreCase)
            || text.Contains("Authentication", StringComparison.OrdinalIgnoreCase));

    private static SslClientAuthenticationOptions TlsOptions(NatsOptions options, string host)
    {
        var result = new SslClientAuthenticationOptions { TargetHost = options.TlsServerName ?? host };
        if (options.TlsCaFile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.TlsCaFile);
            result.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                // Name and presence checks still apply; only the trust anchor changes to our CA.
                if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var leaf = new X509Certificate2(certificate);
                return chain.Build(leaf);
            };
        }

        return result;
    }

    private static async Task<NatsServerOp> ReadOpAsync(PipeReader input, NatsProtocolParser parser, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var parsed = false;
            try
            {
                if (parser.TryParse(ref buffer, out var op))
                {
                    parsed = true;
                    return op;
                }

                if (result.IsCompleted)
                {
                    throw new NatsException("server closed the connection during the handshake");
                }
            }
            finally
            {
                // After a parsed op the rest is unexamined: it may already hold the next op.
                input.AdvanceTo(buffer.Start, parsed ? buffer.Start : buffer.End);
            }
        }
    }

    private static void Dispose(Socket socket, Stream? stream, PipeReader? input)
    {
        input?.Complete();
        stream?.Dispose();
        socket.Dispose();
    }
}
