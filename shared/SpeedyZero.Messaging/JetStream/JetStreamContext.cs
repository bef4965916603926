using System.Text.Json;
using SpeedyZero.Messaging.Nats;

namespace SpeedyZero.Messaging.JetStream;

/// <summary>
/// The JetStream API subset the roles use, over $JS.API request/reply on a core connection:
/// streams, durable pull consumers, fetch and consume, publish with PubAck and de-duplication.
/// </summary>
public sealed class JetStreamContext(NatsConnection connection, string apiPrefix = "$JS.API", TimeSpan? requestTimeout = null)
{
    /// <summary>Header that makes a publish idempotent within the stream's duplicate window.</summary>
    public const string MsgIdHeader = "Nats-Msg-Id";

    private readonly TimeSpan _timeout = requestTimeout ?? connection.Options.RequestTimeout;

    public NatsConnection Connection => connection;

    public Task<StreamInfo> CreateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default) =>
        ApiAsync<StreamInfo>($"STREAM.CREATE.{config.Name}", config, cancellationToken);

    public Task<StreamInfo> UpdateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default) =>
        ApiAsync<StreamInfo>($"STREAM.UPDATE.{config.Name}", config, cancellationToken);

    /// <summary>Creates the stream, or updates it when it exists already.</summary>
    public async Task<StreamInfo> CreateOrUpdateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default)
    {
        try
        {
            return await CreateStreamAsync(config, cancellationToken);
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode == 10058)
        {
            return await UpdateStreamAsync(config, cancellationToken);
        }
    }

    public Task<StreamInfo> GetStreamAsync(string name, CancellationToken cancellationToken = default) =>
        ApiAsync<StreamInfo>($"STREAM.INFO.{name}", null, cancellationToken);

    public async Task DeleteStreamAsync(string name, CancellationToken cancellationToken = default) =>
        await ApiAsync<SuccessResponse>($"STREAM.DELETE.{name}", null, cancellationToken);

    /// <summary>Creates (or, with an equal config, returns) a durable pull consumer.</summary>
    public Task<ConsumerInfo> CreateConsumerAsync(string stream, ConsumerConfig config, CancellationToken cancellationToken = default) =>
        ApiAsync<ConsumerInfo>($"CONSUMER.DURABLE.CREATE.{stream}.{config.DurableName}",
            new ConsumerCreateRequest(stream, config), cancellationToken);

    public Task<ConsumerInfo> GetConsumerAsync(string stream, string consumer, CancellationToken cancellationToken = default) =>
        ApiAsync<ConsumerInfo>($"CONSUMER.INFO.{stream}.{consumer}", null, cancellationToken);

    public async Task DeleteConsumerAsync(string stream, string consumer, CancellationToken cancellationToken = default) =>
        await ApiAsync<SuccessResponse>($"CONSUMER.DELETE.{stream}.{consumer}", null, cancellationToken);

    /// <summary>
    /// Publishes to a stream subject and waits for its PubAck. A <paramref name="msgId"/> makes the
    /// publish idempotent: a repeat within the duplicate window is acknowledged with Duplicate=true and not stored.
    /// </summary>
    public async Task<PubAck> PublishAsync(string subject, ReadOnlyMemory<byte> data, string? msgId = null, NatsHeaders? headers = null, CancellationToken cancellationToken = default)
    {
        if (msgId is not null)
        {
            headers ??= new NatsHeaders();
            headers[MsgIdHeader] = msgId;
        }

        NatsMsg reply;
        try
        {
            reply = await connection.RequestAsync(subject, data, headers, _timeout, cancellationToken);
        }
        catch (NatsNoRespondersException)
        {
            throw new JetStreamApiException(503, 0, "no stream captures this subject (or JetStream is not enabled)", subject);
        }

        return Decode<PubAck>(reply, subject);
    }

    /// <summary>
    /// Pulls one batch: returns when <see cref="FetchOptions.Batch"/> messages arrived, the request
    /// expired, or (no_wait) the consumer had nothing more.
    /// </summary>
    public async Task<IReadOnlyList<JsMsg>> FetchAsync(string stream, string consumer, FetchOptions options, CancellationToken cancellationToken = default)
    {
        var inbox = connection.NewInbox();
        await using var subscription = await connection.SubscribeAsync(inbox, capacity: options.Batch + 16, cancellationToken: cancellationToken);
        var request = new PullRequest(options.Batch, options.NoWait ? null : options.Expires, options.NoWait ? true : null,
            options.MaxBytes > 0 ? options.MaxBytes : null, null);
        await connection.PublishAsync(NextSubject(stream, consumer), JsonSerializer.SerializeToUtf8Bytes(request, JetStreamJson.Options),
            replyTo: inbox, cancellationToken: cancellationToken);

        var messages = new List<JsMsg>(options.Batch);
        var deadline = (options.NoWait ? _timeout : options.Expires) + TimeSpan.FromSeconds(1);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (messages.Count < options.Batch)
        {
            var left = deadline - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            NatsMsg message;
            try
            {
                message = await subscription.NextAsync(left, cancellationToken);
            }
            catch (NatsTimeoutException)
            {
                break;
            }

            if (message.Status == 0)
            {
                messages.Add(new JsMsg(connection, message));
            }
            else if (message.Status is 404 or 408 or 409)
            {
                // No messages (no_wait), request expired, or a consumer limit such as max_ack_pending.
                break;
            }
        }

        return messages;
    }

    /// <summary>Starts a continuous pull consumer; read its messages with <see cref="JetStreamConsumer.ReadAllAsync"/>.</summary>
    public async Task<JetStreamConsumer> ConsumeAsync(string stream, string consumer, ConsumeOptions options, CancellationToken cancellationToken = default)
    {
        var inbox = connection.NewInbox();
        var subscription = await connection.SubscribeAsync(inbox, capacity: options.MaxMessages * 2 + 16, cancellationToken: cancellationToken);
        return new JetStreamConsumer(connection, subscription, NextSubject(stream, consumer), options);
    }

    internal string NextSubject(string stream, string consumer) => $"{apiPrefix}.CONSUMER.MSG.NEXT.{stream}.{consumer}";

    private async Task<T> ApiAsync<T>(string operation, object? body, CancellationToken cancellationToken)
    {
        var subject = $"{apiPrefix}.{operation}";
        var payload = body is null ? ReadOnlyMemory<byte>.Empty : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), JetStreamJson.Options);
        NatsMsg reply;
        try
        {
            reply = await connection.RequestAsync(subject, payload, timeout: _timeout, cancellationToken: cancellationToken);
        }
        catch (NatsNoRespondersException)
        {
            throw new JetStreamApiException(503, 0, "JetStream is not enabled on the server", subject);
        }

        return Decode<T>(reply, subject);
    }

    private static T Decode<T>(NatsMsg reply, string subject)
    {
        ApiError? error;
        T? value;
        try
        {
            error = JsonSerializer.Deserialize<ErrorEnvelope>(reply.Data.Span, JetStreamJson.Options)?.Error;
            value = error is null ? JsonSerializer.Deserialize<T>(reply.Data.Span, JetStreamJson.Options) : default;
        }
        catch (JsonException ex)
        {
            throw new NatsProtocolException($"JetStream reply on '{subject}' is not valid JSON: {ex.Message}");
        }

        if (error is not null)
        {
            throw new JetStreamApiException(error.Code, error.ErrCode, error.Description ?? "", subject);
        }

        return value ?? throw new NatsProtocolException($"JetStream reply on '{subject}' is empty");
    }

    private sealed record ErrorEnvelope(ApiError? Error);

    private sealed record ApiError(int Code, int ErrCode, string? Description);

    private sealed record SuccessResponse(bool Success);

    private sealed record ConsumerCreateRequest(string StreamName, ConsumerConfig Config);

    internal sealed record PullRequest(int Batch, TimeSpan? Expires, bool? NoWait, long? MaxBytes, TimeSpan? IdleHeartbeat);
}
