using System.Buffers;
using System.Text.Json;

namespace SpeedyZero.Messaging.Nats;

/// <summary>The connection's loops: supervise (reconnect), read and dispatch, write, keep alive.</summary>
public sealed partial class NatsConnection
{
    private async Task SuperviseAsync(NatsTransport first)
    {
        NatsTransport? transport = first;
        var attempt = 0;
        var random = new Random();
        Exception? fatal = null;
        while (!_closing.IsCancellationRequested)
        {
            if (transport is not null)
            {
                attempt = 0;
                var lost = await RunTransportAsync(transport);
                await transport.DisposeAsync();
                transport = null;
                if (_closing.IsCancellationRequested)
                {
                    break;
                }

                Volatile.Write(ref _lastError, lost);
                _state = NatsConnectionState.Reconnecting;
                FailPongs(lost);
            }

            attempt++;
            if (_options.MaxReconnectAttempts >= 0 && attempt > _options.MaxReconnectAttempts)
            {
                fatal = new NatsConnectionClosedException(
                    $"gave up after {_options.MaxReconnectAttempts} reconnect attempts ({DescribeState()})", LastError);
                break;
            }

            try
            {
                await Task.Delay(Backoff(attempt, random), _closing.Token);
                transport = await NatsTransport.ConnectAsync(_options, _parser, _closing.Token);
                await ResubscribeAsync(transport, _closing.Token);
                Interlocked.Increment(ref Counters.Reconnects);
            }
            catch (OperationCanceledException) when (_closing.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Volatile.Write(ref _lastError, ex);
                if (transport is not null)
                {
                    await transport.DisposeAsync();
                    transport = null;
                }
            }
        }

        Shutdown(fatal);
    }

    private TimeSpan Backoff(int attempt, Random random)
    {
        var min = _options.ReconnectWaitMin.TotalMilliseconds;
        var exponential = min * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exponential, _options.ReconnectWaitMax.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + 0.2 * random.NextDouble()));
    }

    /// <summary>Runs the loops on one transport until any of them ends; returns why the connection was lost.</summary>
    private async Task<Exception> RunTransportAsync(NatsTransport transport)
    {
        Volatile.Write(ref _info, transport.Info);
        Volatile.Write(ref _pingsOut, 0);
        _state = NatsConnectionState.Connected;
        Volatile.Read(ref _connected).TrySetResult(true);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        var reader = Task.Run(() => ReadLoopAsync(transport, stop.Token), CancellationToken.None);
        var writer = Task.Run(() => WriteLoopAsync(transport, stop.Token), CancellationToken.None);
        var pinger = Task.Run(() => PingLoopAsync(stop.Token), CancellationToken.None);
        var ended = await Task.WhenAny(reader, writer, pinger);
        var reason = ended.Exception?.GetBaseException() ?? new NatsException("connection ended");
        if (!_closing.IsCancellationRequested)
        {
            // Recorded before the state changes, so whoever sees the state change sees why.
            Volatile.Write(ref _lastError, reason);
        }

        Volatile.Write(ref _connected, NewSignal());
        _state = NatsConnectionState.Disconnected;
        stop.Cancel();
        transport.Abort();
        try
        {
            await Task.WhenAll(reader, writer, pinger);
        }
        catch
        {
            // The first loop to end says why; the others only saw the socket go down.
        }

        return reason;
    }

    private async Task ReadLoopAsync(NatsTransport transport, CancellationToken cancellationToken)
    {
        var input = transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            try
            {
                while (_parser.TryParse(ref buffer, out var op))
                {
                    Dispatch(op);
                }
            }
            catch (NatsProtocolException ex)
            {
                Interlocked.Increment(ref Counters.ProtocolErrors);
                Volatile.Write(ref _lastError, ex);
                throw;
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted)
            {
                throw new NatsException("server closed the connection");
            }
        }
    }

    /// <summary>Reader loop only: hands messages over without waiting and never runs user code.</summary>
    private void Dispatch(in NatsServerOp op)
    {
        switch (op.Kind)
        {
            case NatsOpKind.Msg:
                Interlocked.Increment(ref Counters.MessagesIn);
                Interlocked.Add(ref Counters.BytesIn, op.Size);
                if (_subscriptions.TryGetValue(op.Sid, out var subscription))
                {
                    subscription.Deliver(new NatsMsg(this, op.Subject!, op.ReplyTo, op.Headers, op.Payload));
                }

                break;
            case NatsOpKind.Ping:
                _ = SendPongAsync();
                break;
            case NatsOpKind.Pong:
                Volatile.Write(ref _pingsOut, 0);
                if (_pongs.TryDequeue(out var pong))
                {
                    pong.TrySetResult(true);
                }

                break;
            case NatsOpKind.Err:
                Interlocked.Increment(ref Counters.ServerErrors);
                Volatile.Write(ref _lastError, new NatsProtocolException($"server error: {op.Text}"));
                break;
            case NatsOpKind.Info:
                var info = JsonSerializer.Deserialize<NatsServerInfo>(op.Text!);
                if (info is not null)
                {
                    Volatile.Write(ref _info, info);
                    _parser.MaxMessageBytes = info.MaxPayload + _options.MaxHeaderBytes;
                }

                break;
            case NatsOpKind.Ok:
                break;
        }
    }

    private async Task SendPongAsync()
    {
        try
        {
            await WriteControlAsync(NatsProtocolWriter.Pong.ToArray(), _closing.Token);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException)
        {
            // The connection is going down; the server will not wait for this PONG.
        }
    }

    /// <summary>
    /// Drains the send pipe to the socket. A block is consumed only once fully written; after a
    /// failure it stays in the pipe and goes out on the next connection (it starts at a command
    /// boundary because commands are committed whole).
    /// </summary>
    private async Task WriteLoopAsync(NatsTransport transport, CancellationToken cancellationToken)
    {
        var reader = _send.Reader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var written = false;
            try
            {
                foreach (var segment in buffer)
                {
                    await transport.Stream.WriteAsync(segment, cancellationToken);
                }

                await transport.Stream.FlushAsync(cancellationToken);
                written = true;
            }
            finally
            {
                if (written)
                {
                    reader.AdvanceTo(buffer.End);
                    Interlocked.Add(ref _pendingBytes, -buffer.Length);
                }
                else
                {
                    reader.AdvanceTo(buffer.Start, buffer.Start);
                }
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private async Task PingLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(_options.PingInterval, cancellationToken);
            if (Volatile.Read(ref _pingsOut) >= _options.MaxPingsOut)
            {
                throw new NatsTimeoutException($"stale connection: {_options.MaxPingsOut} PINGs unanswered ({DescribeState()})");
            }

            Interlocked.Increment(ref _pingsOut);
            await _writeLock.WaitAsync(cancellationToken);
            try
            {
                _pongs.Enqueue(NewSignal());
                _send.Writer.Write(NatsProtocolWriter.Ping);
                await Commit(cancellationToken);
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }

    /// <summary>Sends SUB for every live subscription on a fresh transport, before the queued bytes.</summary>
    private async Task ResubscribeAsync(NatsTransport transport, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        foreach (var subscription in _subscriptions.Values.OrderBy(s => s.Sid))
        {
            buffer.Write(NatsProtocolWriter.Subscribe(subscription.Subject, subscription.QueueGroup, subscription.Sid));
        }

        await transport.Stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
        await transport.Stream.FlushAsync(cancellationToken);
    }

    private void FailPongs(Exception error)
    {
        while (_pongs.TryDequeue(out var pong))
        {
            pong.TrySetException(new NatsException("connection lost before PONG", error));
        }
    }

    private void Shutdown(Exception? error)
    {
        if (_state == NatsConnectionState.Closed)
        {
            return;
        }

        _state = NatsConnectionState.Closed;
        _closing.Cancel();
        var closed = new NatsConnectionClosedException($"connection closed ({DescribeState()})", error);
        _send.Reader.Complete();
        FailPongs(closed);
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Complete(error is null ? null : closed);
        }

        foreach (var request in _requests.Values)
        {
            request.TrySetException(closed);
        }

        Volatile.Read(ref _connected).TrySetException(closed);
    }
}
