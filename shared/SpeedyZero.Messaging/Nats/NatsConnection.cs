using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text.Json;

namespace SpeedyZero.Messaging.Nats;

/// <summary>
/// A NATS connection: one reader loop that parses and dispatches without waiting, one send pipe
/// that every command is written into (drained to the socket by one writer loop), keep-alive
/// PINGs, request/reply through one shared inbox subscription, and reconnect with back-off that
/// resubscribes and then sends what was buffered while disconnected.
/// </summary>
/// <remarks>
/// Delivery over a reconnect is at-least-once for publishes: a block the writer could not confirm
/// as written is sent again on the next connection (the server ignores a repeated SUB).
/// </remarks>
public sealed partial class NatsConnection : IAsyncDisposable
{
    private readonly NatsOptions _options;
    private readonly NatsProtocolParser _parser;
    private readonly Pipe _send;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, NatsSubscription> _subscriptions = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<NatsMsg>> _requests = new();
    private readonly ConcurrentQueue<TaskCompletionSource<bool>> _pongs = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly string _muxPrefix;
    private NatsServerInfo _info;
    private Task _supervisor = Task.CompletedTask;
    private TaskCompletionSource<bool> _connected = NewSignal();
    private volatile NatsConnectionState _state = NatsConnectionState.Connecting;
    private long _nextSid;
    private long _nextRequest;
    private long _pendingBytes;
    private int _pingsOut;
    private Exception? _lastError;

    private NatsConnection(NatsOptions options)
    {
        _options = options;
        _parser = new NatsProtocolParser(options.MaxControlLineBytes, options.MaxHeaderBytes, 1024L * 1024 + options.MaxHeaderBytes);
        _send = new Pipe(new PipeOptions(
            pauseWriterThreshold: options.WriteBufferBytes,
            resumeWriterThreshold: options.WriteBufferBytes / 2,
            minimumSegmentSize: 64 * 1024,
            useSynchronizationContext: false));
        _muxPrefix = $"{options.InboxPrefix}.{NewToken()}";
        _info = new NatsServerInfo();
    }

    public NatsOptions Options => _options;

    public NatsConnectionState State => _state;

    /// <summary>The INFO of the server this connection last handshook with.</summary>
    public NatsServerInfo ServerInfo => Volatile.Read(ref _info);

    public NatsCounters Counters { get; } = new();

    /// <summary>The last error that cost the connection (or a server -ERR); null while none.</summary>
    public Exception? LastError => Volatile.Read(ref _lastError);

    /// <summary>Connects, handshakes and starts the loops; a wrong password raises <see cref="NatsAuthException"/>.</summary>
    public static async Task<NatsConnection> ConnectAsync(NatsOptions options, CancellationToken cancellationToken = default)
    {
        var connection = new NatsConnection(options);
        var transport = await NatsTransport.ConnectAsync(options, connection._parser, cancellationToken);
        connection._info = transport.Info;
        var mux = new NatsSubscription(connection, Interlocked.Increment(ref connection._nextSid), connection._muxPrefix + ".*",
            null, 1, SlowConsumerPolicy.DropNewest, connection.CompleteRequest);
        connection._subscriptions[mux.Sid] = mux;
        await transport.Stream.WriteAsync(NatsProtocolWriter.Subscribe(mux.Subject, null, mux.Sid), cancellationToken);
        // Connected from the caller's point of view already, before the supervisor's loop starts.
        connection._state = NatsConnectionState.Connected;
        connection._supervisor = Task.Run(() => connection.SuperviseAsync(transport), CancellationToken.None);
        return connection;
    }

    /// <summary>A fresh unique inbox subject under this connection's prefix (not the shared mux).</summary>
    public string NewInbox() => $"{_options.InboxPrefix}.{NewToken()}";

    /// <summary>
    /// Publishes a message. Completes synchronously when the send pipe has room; waits only for
    /// back-pressure. While disconnected the bytes are buffered up to <see cref="NatsOptions.ReconnectBufferBytes"/>.
    /// </summary>
    public ValueTask PublishAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers = null, string? replyTo = null, CancellationToken cancellationToken = default)
    {
        NatsProtocolWriter.ValidateSubject(subject);
        if (replyTo is not null)
        {
            NatsProtocolWriter.ValidateSubject(replyTo, "reply subject");
        }

        var headerLength = headers?.EncodedLength() ?? 0;
        var size = headerLength + (long)data.Length;
        var max = ServerInfo.MaxPayload;
        if (size > max)
        {
            throw new NatsMaxPayloadException(size, max);
        }

        var wireLength = NatsProtocolWriter.PublishLength(subject, replyTo, headerLength, data.Length);
        if (!_writeLock.Wait(0))
        {
            return PublishSlowAsync(subject, data, headers, replyTo, wireLength, size, cancellationToken);
        }

        var release = true;
        try
        {
            ReserveBuffer(wireLength);
            NatsProtocolWriter.WritePublish(_send.Writer, subject, replyTo, headers, data.Span);
            CountOut(size);
            var flush = Commit(cancellationToken);
            if (flush.IsCompletedSuccessfully)
            {
                return ValueTask.CompletedTask;
            }

            release = false;
            return AwaitFlushThenReleaseAsync(flush);
        }
        finally
        {
            if (release)
            {
                _writeLock.Release();
            }
        }
    }

    /// <summary>Subscribes; <paramref name="queueGroup"/> shares the messages among the group's members.</summary>
    public async ValueTask<NatsSubscription> SubscribeAsync(string subject, string? queueGroup = null, int? capacity = null, CancellationToken cancellationToken = default)
    {
        NatsProtocolWriter.ValidateSubject(subject);
        if (queueGroup is not null)
        {
            NatsProtocolWriter.ValidateSubject(queueGroup, "queue group");
        }

        ThrowIfClosed();
        var subscription = new NatsSubscription(this, Interlocked.Increment(ref _nextSid), subject, queueGroup,
            capacity ?? _options.SubscriptionCapacity, _options.SlowConsumerPolicy);
        _subscriptions[subscription.Sid] = subscription;
        await WriteControlAsync(NatsProtocolWriter.Subscribe(subject, queueGroup, subscription.Sid), cancellationToken);
        return subscription;
    }

    /// <summary>
    /// Sends a request and waits for the first reply, through the connection's one shared inbox.
    /// No subscriber raises <see cref="NatsNoRespondersException"/>; no reply in time raises <see cref="NatsTimeoutException"/>.
    /// </summary>
    public async Task<NatsMsg> RequestAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? _options.RequestTimeout;
        var id = Interlocked.Increment(ref _nextRequest);
        var reply = new TaskCompletionSource<NatsMsg>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[id] = reply;
        try
        {
            await PublishAsync(subject, data, headers, $"{_muxPrefix}.{id}", cancellationToken);
            var message = await reply.Task.WaitAsync(wait, cancellationToken);
            if (message.Status == 503)
            {
                throw new NatsNoRespondersException(subject);
            }

            return message;
        }
        catch (TimeoutException)
        {
            throw new NatsTimeoutException($"request to '{subject}' got no reply within {wait} ({DescribeState()})");
        }
        finally
        {
            _requests.TryRemove(id, out _);
        }
    }

    /// <summary>Round trip to the server: when it returns, the server has processed everything sent before.</summary>
    public async Task<TimeSpan> PingAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? _options.RequestTimeout;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await WaitConnectedAsync(cancellationToken).WaitAsync(wait, cancellationToken);
            var pong = NewSignal();
            await _writeLock.WaitAsync(cancellationToken);
            try
            {
                ThrowIfClosed();
                _pongs.Enqueue(pong);
                _send.Writer.Write(NatsProtocolWriter.Ping);
                await Commit(cancellationToken);
            }
            finally
            {
                _writeLock.Release();
            }

            var remaining = wait - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            await pong.Task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, cancellationToken);
            return System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }
        catch (TimeoutException)
        {
            throw new NatsTimeoutException($"PING got no PONG within {wait} ({DescribeState()})");
        }
    }

    /// <summary>Alias of <see cref="PingAsync"/> for readers who think of it as a flush.</summary>
    public Task FlushAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) => PingAsync(timeout, cancellationToken);

    /// <summary>Completes once the connection is (again) connected.</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken = default) =>
        _state == NatsConnectionState.Connected ? Task.CompletedTask : Volatile.Read(ref _connected).Task.WaitAsync(cancellationToken);

    /// <summary>One line of state for timeout and error messages.</summary>
    public string DescribeState() =>
        $"state={_state}, url={_options.Url}, server={ServerInfo.ServerName}, queued_out={Interlocked.Read(ref _pendingBytes)}B, " +
        $"pings_out={Volatile.Read(ref _pingsOut)}, subscriptions={_subscriptions.Count}, pending_requests={_requests.Count}, " +
        $"reconnects={Counters.Snapshot().Reconnects}, last_error={LastError?.Message ?? "none"}";

    /// <summary>Sends what is queued (up to 2 s), closes the socket, completes every subscription.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state == NatsConnectionState.Closed)
        {
            return;
        }

        if (_state == NatsConnectionState.Connected)
        {
            try
            {
                await PingAsync(TimeSpan.FromSeconds(2));
            }
            catch (NatsException)
            {
                // Best effort: the socket goes down regardless.
            }
        }

        _closing.Cancel();
        try
        {
            await _supervisor;
        }
        finally
        {
            Shutdown(null);
        }
    }

    internal async ValueTask UnsubscribeAsync(NatsSubscription subscription, CancellationToken cancellationToken)
    {
        _subscriptions.TryRemove(subscription.Sid, out _);
        subscription.Complete();
        if (_state != NatsConnectionState.Closed)
        {
            await WriteControlAsync(NatsProtocolWriter.Unsubscribe(subscription.Sid), cancellationToken);
        }
    }

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string NewToken() =>
        new(RandomNumberGenerator.GetItems<char>("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 22));

    private async ValueTask PublishSlowAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers, string? replyTo, int wireLength, long size, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ReserveBuffer(wireLength);
            NatsProtocolWriter.WritePublish(_send.Writer, subject, replyTo, headers, data.Span);
            CountOut(size);
            await Commit(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async ValueTask AwaitFlushThenReleaseAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            await flush;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async ValueTask WriteControlAsync(byte[] command, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ThrowIfClosed();
            _send.Writer.Write(command);
            await Commit(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Caller holds the write lock: makes the written commands visible to the writer loop and counts them as queued.</summary>
    private ValueTask<FlushResult> Commit(CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _pendingBytes, _send.Writer.UnflushedBytes);
        return _send.Writer.FlushAsync(cancellationToken);
    }

    /// <summary>Caller holds the write lock; refuses when closed or when the disconnected buffer would overflow.</summary>
    private void ReserveBuffer(int wireLength)
    {
        ThrowIfClosed();
        var pending = Interlocked.Read(ref _pendingBytes);
        if (_state != NatsConnectionState.Connected && pending + wireLength > _options.ReconnectBufferBytes)
        {
            Interlocked.Increment(ref Counters.ReconnectBufferOverflows);
            throw new NatsReconnectBufferFullException(
                $"disconnected and the reconnect buffer holds {pending} of {_options.ReconnectBufferBytes} bytes; " +
                $"a {wireLength}-byte publish does not fit ({DescribeState()})");
        }
    }

    private void CountOut(long size)
    {
        Interlocked.Increment(ref Counters.MessagesOut);
        Interlocked.Add(ref Counters.BytesOut, size);
    }

    private void ThrowIfClosed()
    {
        if (_state == NatsConnectionState.Closed || _closing.IsCancellationRequested)
        {
            throw new NatsConnectionClosedException($"connection is closed ({DescribeState()})", LastError);
        }
    }

    private void CompleteRequest(NatsMsg message)
    {
        var subject = message.Subject;
        if (subject.Length > _muxPrefix.Length + 1 && long.TryParse(subject.AsSpan(_muxPrefix.Length + 1), out var id) && _requests.TryGetValue(id, out var reply))
        {
            reply.TrySetResult(message);
        }
    }
}
