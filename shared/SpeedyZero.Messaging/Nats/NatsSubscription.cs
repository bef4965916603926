using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace SpeedyZero.Messaging.Nats;

/// <summary>
/// A subscription: messages wait in a bounded queue that the reader loop fills without ever
/// waiting. When the queue is full the connection's <see cref="SlowConsumerPolicy"/> decides which
/// message goes, and the drop is counted here and in the connection's counters.
/// </summary>
public sealed class NatsSubscription : IAsyncDisposable
{
    private readonly NatsConnection _connection;
    private readonly Channel<NatsMsg> _channel;
    private readonly Action<NatsMsg>? _inline;
    private long _dropped;
    private int _closed;

    internal NatsSubscription(NatsConnection connection, long sid, string subject, string? queueGroup, int capacity, SlowConsumerPolicy policy, Action<NatsMsg>? inline = null)
    {
        _connection = connection;
        Sid = sid;
        Subject = subject;
        QueueGroup = queueGroup;
        _inline = inline;
        var options = new BoundedChannelOptions(Math.Max(1, capacity))
        {
            FullMode = policy == SlowConsumerPolicy.DropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.DropWrite,
            SingleWriter = true,
            SingleReader = false,
            AllowSynchronousContinuations = false,
        };
        _channel = Channel.CreateBounded<NatsMsg>(options, _ => OnDropped());
    }

    public long Sid { get; }

    public string Subject { get; }

    public string? QueueGroup { get; }

    /// <summary>Messages this subscription dropped because its queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Messages waiting to be read.</summary>
    public int Pending => _channel.Reader.Count;

    /// <summary>The queue; completes when the subscription or the connection closes.</summary>
    public ChannelReader<NatsMsg> Messages => _channel.Reader;

    /// <summary>Next message, or <see cref="NatsTimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async ValueTask<NatsMsg> NextAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (_channel.Reader.TryRead(out var ready))
        {
            return ready;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return await _channel.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NatsTimeoutException($"no message on '{Subject}' within {timeout} ({_connection.DescribeState()})");
        }
        catch (ChannelClosedException ex)
        {
            throw new NatsConnectionClosedException($"subscription to '{Subject}' is closed", ex.InnerException);
        }
    }

    /// <summary>Every message until the subscription closes or <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<NatsMsg> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _channel.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_channel.Reader.TryRead(out var message))
            {
                yield return message;
            }
        }
    }

    /// <summary>Sends UNSUB and completes the queue (messages already queued can still be read).</summary>
    public ValueTask UnsubscribeAsync(CancellationToken cancellationToken = default) =>
        Interlocked.Exchange(ref _closed, 1) == 0 ? _connection.UnsubscribeAsync(this, cancellationToken) : ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => UnsubscribeAsync();

    /// <summary>Called by the reader loop only: never waits, never runs user code.</summary>
    internal void Deliver(NatsMsg message)
    {
        if (_inline is not null)
        {
            _inline(message);
            return;
        }

        _channel.Writer.TryWrite(message);
    }

    internal void Complete(Exception? error = null) => _channel.Writer.TryComplete(error);

    private void OnDropped()
    {
        Interlocked.Increment(ref _dropped);
        Interlocked.Increment(ref _connection.Counters.DroppedSlowConsumer);
    }
}
