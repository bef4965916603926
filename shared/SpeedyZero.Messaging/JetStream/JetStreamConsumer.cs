using System.Runtime.CompilerServices;
using System.Text.Json;
using SpeedyZero.Messaging.Nats;

namespace SpeedyZero.Messaging.JetStream;

/// <summary>
/// A continuous pull: keeps up to <see cref="ConsumeOptions.MaxMessages"/> messages requested,
/// asks for more when half of that credit is used, and starts over when two idle heartbeats are
/// missed (a lost pull request, e.g. after a server restart).
/// </summary>
public sealed class JetStreamConsumer : IAsyncDisposable
{
    private readonly NatsConnection _connection;
    private readonly NatsSubscription _subscription;
    private readonly string _nextSubject;
    private readonly ConsumeOptions _options;
    private long _outstanding;
    private long _heartbeats;
    private long _missedHeartbeats;
    private long _pulls;

    internal JetStreamConsumer(NatsConnection connection, NatsSubscription subscription, string nextSubject, ConsumeOptions options)
    {
        _connection = connection;
        _subscription = subscription;
        _nextSubject = nextSubject;
        _options = options;
    }

    /// <summary>Idle heartbeats received.</summary>
    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    /// <summary>Times two heartbeats were missed and the pull was restarted.</summary>
    public long MissedHeartbeats => Interlocked.Read(ref _missedHeartbeats);

    /// <summary>Pull requests sent.</summary>
    public long Pulls => Interlocked.Read(ref _pulls);

    /// <summary>Messages until <paramref name="cancellationToken"/> fires or the connection closes.</summary>
    public async IAsyncEnumerable<JsMsg> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await PullAsync(_options.MaxMessages, cancellationToken);
        var watchdog = _options.IdleHeartbeat * 2;
        while (!cancellationToken.IsCancellationRequested)
        {
            NatsMsg message;
            try
            {
                message = await _subscription.NextAsync(watchdog, cancellationToken);
            }
            catch (NatsTimeoutException)
            {
                // Nothing, not even a heartbeat: the pull request is gone. Start over with full credit.
                Interlocked.Increment(ref _missedHeartbeats);
                _outstanding = 0;
                await RefillAsync(cancellationToken);
                continue;
            }

            switch (message.Status)
            {
                case 0:
                    _outstanding--;
                    await RefillAsync(cancellationToken);
                    yield return new JsMsg(_connection, message);
                    break;
                case 100:
                    Interlocked.Increment(ref _heartbeats);
                    break;
                default:
                    // 408 expired / 409 limits: the request's unused credit comes back.
                    _outstanding -= PendingMessages(message);
                    await RefillAsync(cancellationToken);
                    break;
            }
        }
    }

    public ValueTask DisposeAsync() => _subscription.DisposeAsync();

    private long PendingMessages(NatsMsg status) =>
        long.TryParse(status.Headers?["Nats-Pending-Messages"], out var pending) ? Math.Min(pending, Math.Max(0, _outstanding)) : Math.Max(0, _outstanding);

    private async ValueTask RefillAsync(CancellationToken cancellationToken)
    {
        if (_outstanding <= _options.MaxMessages / 2)
        {
            await PullAsync(_options.MaxMessages - (int)Math.Max(0, _outstanding), cancellationToken);
        }
    }

    private async ValueTask PullAsync(int batch, CancellationToken cancellationToken)
    {
        if (batch <= 0)
        {
            return;
        }

        var request = new JetStreamContext.PullRequest(batch, _options.Expires, null, null, _options.IdleHeartbeat);
        try
        {
            await _connection.PublishAsync(_nextSubject, JsonSerializer.SerializeToUtf8Bytes(request, JetStreamJson.Options),
                replyTo: _subscription.Subject, cancellationToken: cancellationToken);
            _outstanding += batch;
            Interlocked.Increment(ref _pulls);
        }
        catch (NatsReconnectBufferFullException)
        {
            // Disconnected with a full buffer: the heartbeat watchdog pulls again later.
        }
    }
}
