using System.Buffers;

namespace SpeedyZero.Storage.Redis;

/// <summary>
/// A Redis client over one multiplexed connection: any number of callers may issue commands concurrently;
/// they are pipelined in call order. When the connection drops, commands in flight fail with
/// <see cref="RedisConnectionException"/>; the next command reconnects with back-off (see
/// <see cref="RedisOptions"/>). Use a second instance for large replay blobs so they never delay small
/// commands.
/// </summary>
public sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly SemaphoreSlim reconnectGate = new(1, 1);
    private volatile PhysicalConnection? current;
    private volatile bool disposed;
    private int database;

    private RedisConnection(RedisOptions options)
    {
        Options = options;
        database = options.Database;
    }

    public RedisOptions Options { get; }

    public RedisConnectionStatistics Statistics { get; } = new();

    /// <summary>True while a socket is open (a dropped one reopens on the next command).</summary>
    public bool IsConnected => current is { IsOpen: true };

    /// <summary>Connects and runs the handshake; retries transient failures within the reconnect budget.</summary>
    public static async Task<RedisConnection> ConnectAsync(RedisOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = new RedisConnection(options);
        await connection.ReconnectAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>
    /// Sends any command, e.g. <c>ExecuteAsync(["SET", key, value])</c>. Error replies are returned, not
    /// thrown: call <see cref="RedisReply.ThrowIfError"/> or a typed helper. The arguments are copied
    /// before this returns.
    /// </summary>
    public ValueTask<RedisReply> ExecuteAsync(ReadOnlySpan<RedisArg> args, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RedisReply>(cancellationToken);
        }

        if (current is { } connection && connection.TrySend(args, cancellationToken, out var reply))
        {
            return reply!.Task;
        }

        return ExecuteAfterReconnectAsync(args.ToArray(), cancellationToken);
    }

    /// <summary>Writes every command of the batch in one go, then awaits all their replies (in order).</summary>
    public ValueTask<RedisReply[]> ExecuteAsync(RedisBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (batch.Count == 0)
        {
            return ValueTask.FromResult(Array.Empty<RedisReply>());
        }

        if (current is { } connection && connection.TrySend(batch.Encoded, batch.Count, cancellationToken, out var reply))
        {
            return new ValueTask<RedisReply[]>(reply!.Task);
        }

        return ExecuteBatchAfterReconnectAsync(new ReadOnlySequence<byte>(batch.Encoded.ToArray()), batch.Count, cancellationToken);
    }

    /// <summary>Runs a script by SHA; on NOSCRIPT loads it once and retries. Error replies throw.</summary>
    public async ValueTask<RedisReply> EvaluateAsync(
        RedisScript script, IReadOnlyList<string>? keys = null, IReadOnlyList<RedisArg>? args = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        var command = script.BuildEvalSha(keys?.ToArray() ?? [], args?.ToArray() ?? []);
        var reply = await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        if (reply.ErrorMessage is { } error && error.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            await script.LoadAsync(this, cancellationToken).ConfigureAwait(false);
            reply = await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        }

        return reply.ThrowIfError();
    }

    /// <summary>Describes the connection for logs and error messages.</summary>
    public string Describe() => current?.Describe() ?? $"endpoint={Options.Endpoint} phase=not-connected";

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (current is { } connection)
        {
            connection.Close(new ObjectDisposedException(nameof(RedisConnection), "the connection was disposed"));
            await connection.Completion.ConfigureAwait(false);
        }
    }

    private async ValueTask<RedisReply> ExecuteAfterReconnectAsync(RedisArg[] args, CancellationToken cancellationToken)
    {
        while (true)
        {
            var connection = await ReconnectAsync(cancellationToken).ConfigureAwait(false);
            if (connection.TrySend(args, cancellationToken, out var reply))
            {
                return await reply!.Task.ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<RedisReply[]> ExecuteBatchAfterReconnectAsync(ReadOnlySequence<byte> encoded, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var connection = await ReconnectAsync(cancellationToken).ConfigureAwait(false);
            if (connection.TrySend(encoded, count, cancellationToken, out var reply))
            {
                return await reply!.Task.ConfigureAwait(false);
            }
        }
    }

    private async Task<PhysicalConnection> ReconnectAsync(CancellationToken cancellationToken)
    {
        await reconnectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (current is { IsOpen: true } open)
            {
                return open;
            }

            var started = Environment.TickCount64;
            var delay = Options.ReconnectMinDelay;
            var attempts = 0;
            while (true)
            {
                attempts++;
                Exception failure;
                try
                {
                    var options = database == Options.Database ? Options : Options with { Database = database };
                    var connection = await PhysicalConnection.OpenAsync(options, Statistics, cancellationToken).ConfigureAwait(false);
                    current = connection;
                    return connection;
                }
                catch (RedisAuthenticationException)
                {
                    throw;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failure = e;
                }

                var elapsed = TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
                if (elapsed + delay > Options.ReconnectTimeout)
                {
                    throw new RedisConnectionException(
                        $"could not connect to {Options.Endpoint} in {attempts} attempt(s) over {elapsed.TotalSeconds:0.###} s: {failure.Message}",
                        $"endpoint={Options.Endpoint} phase=reconnecting attempts={attempts} connects-so-far={Statistics.Connects}", failure);
                }

                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Options.ReconnectMaxDelay.Ticks));
            }
        }
        finally
        {
            reconnectGate.Release();
        }
    }
}
