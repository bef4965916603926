using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SpeedyZero.Storage.Redis;

/// <summary>
/// One socket to the server: callers encode commands into an in-memory pipe under a short lock and queue
/// their waiters in the same order; one writer loop moves the pipe to the socket (coalescing), one reader
/// loop parses replies and completes waiters FIFO. Any failure closes it for good and fails every waiter;
/// <see cref="RedisConnection"/> then opens a new one.
/// </summary>
internal sealed class PhysicalConnection
{
    private const int CoalesceSize = 64 * 1024;

    private readonly RedisOptions options;
    private readonly RedisConnectionStatistics statistics;
    private readonly Stream stream;
    private readonly PipeReader input;
    // Never pauses the writer: callers hold the lock only to copy bytes, and replies bound what is in flight.
    private readonly Pipe outbound = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: 16 * 1024, useSynchronizationContext: false));
    private readonly ConcurrentQueue<PendingReply> pending = new();
    private readonly Lock writeLock = new();
    private readonly CancellationTokenSource shutdown = new();
    private readonly Timer replyTimer;
    private long inputOffset;
    private long lastReadAt = Environment.TickCount64;
    private volatile bool closed;
    private Exception? closeReason;

    private PhysicalConnection(RedisOptions options, RedisConnectionStatistics statistics, Stream stream)
    {
        this.options = options;
        this.statistics = statistics;
        this.stream = stream;
        input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.ReplyTimeout.TotalMilliseconds / 4, 10, 1000));
        replyTimer = new Timer(static s => ((PhysicalConnection)s!).CheckReplyTimeout(), this, period, period);
    }

    public bool IsOpen => !closed;

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Connects, runs TLS and the handshake (PING, AUTH, SELECT, CLIENT SETNAME).</summary>
    public static async Task<PhysicalConnection> OpenAsync(RedisOptions options, RedisConnectionStatistics statistics, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Tls is { } tls)
            {
                stream = await AuthenticateTlsAsync(options, tls, stream, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RedisConnectionException($"connect to {options.Endpoint} timed out after {options.ConnectTimeout.TotalSeconds:0.###} s", $"endpoint={options.Endpoint} phase=connecting");
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new PhysicalConnection(options, statistics, stream);
        connection.Start();
        try
        {
            await connection.HandshakeAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            connection.Close(new TimeoutException("handshake timed out"));
            throw new RedisConnectionException($"handshake with {options.Endpoint} timed out", connection.Describe());
        }
        catch
        {
            connection.Close(new IOException("handshake failed"));
            throw;
        }

        return connection;
    }

    /// <summary>Queues one command; false when this connection is closed (the caller reconnects).</summary>
    public bool TrySend(ReadOnlySpan<RedisArg> args, CancellationToken cancellationToken, out SinglePendingReply? reply)
    {
        Validate(args);
        reply = null;
        lock (writeLock)
        {
            if (closed)
            {
                return false;
            }

            reply = new SinglePendingReply(cancellationToken);
            pending.Enqueue(reply);
            new RespWriter(outbound.Writer).WriteCommand(args);
            Flush(1);
        }

        return true;
    }

    /// <summary>Queues a pre-encoded batch of <paramref name="count"/> commands as one write.</summary>
    public bool TrySend(ReadOnlySequence<byte> encoded, int count, CancellationToken cancellationToken, out BatchPendingReply? reply)
    {
        reply = null;
        lock (writeLock)
        {
            if (closed)
            {
                return false;
            }

            reply = new BatchPendingReply(count, cancellationToken);
            pending.Enqueue(reply);
            foreach (var segment in encoded)
            {
                outbound.Writer.Write(segment.Span);
            }

            Flush(count);
        }

        reply.WatchCancellation();
        return true;
    }

    /// <summary>Closes the socket and fails every waiter with a <see cref="RedisConnectionException"/>.</summary>
    public void Close(Exception reason)
    {
        lock (writeLock)
        {
            if (closed)
            {
                return;
            }

            closeReason = reason;
            closed = true;
        }

        replyTimer.Dispose();
        shutdown.Cancel();
        outbound.Writer.Complete();
        stream.Dispose();
        RedisConnectionException? error = null;
        while (pending.TryDequeue(out var waiter))
        {
            error ??= InFlightError();
            // Counted before the waiter completes: its continuation may read the statistics at once.
            Interlocked.Increment(ref statistics.droppedInFlight);
            waiter.Fail(error);
        }
    }

    /// <summary>Connection state for error messages: endpoint, phase, in-flight count, byte counters.</summary>
    public string Describe()
        => $"endpoint={options.Endpoint} tls={(options.Tls is null ? "off" : "on")} phase={(closed ? "closed" : "open")} " +
           $"in-flight={pending.Count} written={statistics.BytesWritten}B read={statistics.BytesRead}B " +
           $"last-read={Environment.TickCount64 - Interlocked.Read(ref lastReadAt)}ms-ago" +
           (closeReason is null ? "" : $" closed-because=\"{closeReason.Message}\"");

    private static async Task<Stream> AuthenticateTlsAsync(RedisOptions options, RedisTlsOptions tls, Stream inner, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = tls.TargetHost ?? options.Host,
            ClientCertificates = tls.ClientCertificate is null ? null : [tls.ClientCertificate],
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => ValidateServerCertificate(tls, certificate, errors),
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new RedisAuthenticationException($"TLS handshake with {options.Endpoint} failed: {e.Message}", $"endpoint={options.Endpoint} phase=tls", e);
        }

        return ssl;
    }

    private static bool ValidateServerCertificate(RedisTlsOptions tls, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (tls.CaCertificate is null || certificate is null)
        {
            return errors == SslPolicyErrors.None;
        }

        // With a private CA only the chain needs rebuilding; a name mismatch still fails.
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(tls.CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    private static void Validate(ReadOnlySpan<RedisArg> args)
    {
        // Checked before anything reaches the pipe: a half-written command would corrupt the stream.
        if (args.IsEmpty)
        {
            throw new ArgumentException("a command needs at least its name", nameof(args));
        }

        foreach (ref readonly var arg in args)
        {
            if (arg.Kind == RedisArgKind.Float && double.IsNaN(arg.Number))
            {
                throw new ArgumentException("Redis does not accept NaN as a number", nameof(args));
            }
        }
    }

    private void Flush(int commands)
    {
        // pauseWriterThreshold 0: this flush always completes synchronously.
        var flush = outbound.Writer.FlushAsync();
        if (flush.IsCompleted)
        {
            flush.GetAwaiter().GetResult();
        }
        else
        {
            _ = flush.AsTask();
        }

        Interlocked.Add(ref statistics.commandsSent, commands);
        Interlocked.Increment(ref statistics.writes);
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var batch = new RedisBatch();
        var authIndex = -1;
        if (options.Password is not null)
        {
            authIndex = options.User is null ? batch.Add("AUTH", options.Password) : batch.Add("AUTH", options.User, options.Password);
        }

        var pingIndex = batch.Add("PING");
        var selectIndex = options.Database != 0 ? batch.Add("SELECT", options.Database) : -1;
        var nameIndex = options.ClientName is not null ? batch.Add("CLIENT", "SETNAME", options.ClientName) : -1;
        if (!TrySend(batch.Encoded, batch.Count, cancellationToken, out var waiter))
        {
            throw new RedisConnectionException("connection closed during handshake", Describe(), closeReason);
        }

        var replies = await waiter!.Task.ConfigureAwait(false);
        if (authIndex >= 0 && replies[authIndex].IsError)
        {
            throw new RedisAuthenticationException($"AUTH refused by {options.Endpoint}: {replies[authIndex].ErrorMessage}", Describe());
        }

        if (replies[pingIndex].ErrorMessage is { } pingError)
        {
            throw pingError.StartsWith("NOAUTH", StringComparison.Ordinal)
                ? new RedisAuthenticationException($"{options.Endpoint} requires a password (set RedisOptions.Password): {pingError}", Describe())
                : new RedisConnectionException($"PING failed: {pingError}", Describe());
        }

        if (selectIndex >= 0 && replies[selectIndex].ErrorMessage is { } selectError)
        {
            throw new RedisConnectionException($"SELECT {options.Database} failed: {selectError}", Describe());
        }

        if (nameIndex >= 0 && replies[nameIndex].ErrorMessage is { } nameError)
        {
            throw new RedisConnectionException($"CLIENT SETNAME failed: {nameError}", Describe());
        }

        Interlocked.Increment(ref statistics.connects);
    }

    private void Start()
    {
        var reading = Task.Run(ReadLoopAsync);
        var writing = Task.Run(WriteLoopAsync);
        Completion = Task.WhenAll(reading, writing);
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(shutdown.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                while (RespParser.TryRead(ref reader, options, inputOffset + reader.Consumed, out var reply))
                {
                    Dispatch(reply, inputOffset + reader.Consumed);
                }

                inputOffset += reader.Consumed;
                Interlocked.Add(ref statistics.bytesRead, reader.Consumed);
                Interlocked.Exchange(ref lastReadAt, Environment.TickCount64);
                input.AdvanceTo(reader.Position, buffer.End);
                if (result.IsCompleted)
                {
                    Close(new EndOfStreamException(buffer.Length > reader.Consumed
                        ? "server closed the connection in the middle of a reply"
                        : "server closed the connection"));
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (closed)
        {
        }
        catch (Exception e)
        {
            Close(e);
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Dispatch(in RedisReply reply, long offset)
    {
        if (!pending.TryPeek(out var head))
        {
            throw new RedisProtocolException("a reply arrived with no command waiting for it", offset);
        }

        if (head.Deliver(reply) && pending.TryDequeue(out var removed) && !ReferenceEquals(removed, head))
        {
            // Close() drained the head meanwhile; the entry taken here must not be lost.
            removed.Fail(InFlightError());
        }
    }

    private async Task WriteLoopAsync()
    {
        var coalesce = ArrayPool<byte>.Shared.Rent(CoalesceSize);
        try
        {
            var reader = outbound.Reader;
            while (true)
            {
                var result = await reader.ReadAsync(shutdown.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var filled = 0;
                foreach (var segment in buffer)
                {
                    if (segment.Length >= CoalesceSize / 2)
                    {
                        filled = await WritePendingAsync(coalesce, filled).ConfigureAwait(false);
                        await stream.WriteAsync(segment, shutdown.Token).ConfigureAwait(false);
                        Interlocked.Increment(ref statistics.socketWrites);
                        continue;
                    }

                    if (filled + segment.Length > coalesce.Length)
                    {
                        filled = await WritePendingAsync(coalesce, filled).ConfigureAwait(false);
                    }

                    segment.Span.CopyTo(coalesce.AsSpan(filled));
                    filled += segment.Length;
                }

                await WritePendingAsync(coalesce, filled).ConfigureAwait(false);
                await stream.FlushAsync(shutdown.Token).ConfigureAwait(false);
                Interlocked.Add(ref statistics.bytesWritten, buffer.Length);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (closed)
        {
        }
        catch (Exception e)
        {
            Close(e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(coalesce);
            await outbound.Reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<int> WritePendingAsync(byte[] coalesce, int filled)
    {
        if (filled > 0)
        {
            await stream.WriteAsync(coalesce.AsMemory(0, filled), shutdown.Token).ConfigureAwait(false);
            Interlocked.Increment(ref statistics.socketWrites);
        }

        return 0;
    }

    private void CheckReplyTimeout()
    {
        if (!closed && pending.TryPeek(out var head))
        {
            var waited = Environment.TickCount64 - head.QueuedAt;
            if (waited > options.ReplyTimeout.TotalMilliseconds)
            {
                Close(new TimeoutException($"no reply within {options.ReplyTimeout.TotalSeconds:0.###} s (oldest command waited {waited} ms)"));
            }
        }
    }

    private RedisConnectionException InFlightError()
        => new($"connection to {options.Endpoint} lost with commands in flight (their effect on the server is unknown): {closeReason?.Message}", Describe(), closeReason);
}
