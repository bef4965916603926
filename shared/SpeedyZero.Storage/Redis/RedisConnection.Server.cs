namespace SpeedyZero.Storage.Redis;

/// <summary>Connection and server commands: PING, SELECT, FLUSHDB, SCRIPT FLUSH.</summary>
public sealed partial class RedisConnection
{
    /// <summary>PING; returns the round-trip time.</summary>
    public async ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await ToOk(ExecuteAsync(["PING"], cancellationToken)).ConfigureAwait(false);
        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// SELECT: switches the database for every later command on this connection (all callers share it)
    /// and is re-applied after a reconnect.
    /// </summary>
    public async ValueTask SelectAsync(int database, CancellationToken cancellationToken = default)
    {
        await ToOk(ExecuteAsync(["SELECT", database], cancellationToken)).ConfigureAwait(false);
        Volatile.Write(ref this.database, database);
    }

    /// <summary>FLUSHDB: deletes every key of the selected database.</summary>
    public ValueTask FlushDatabaseAsync(CancellationToken cancellationToken = default)
        => ToOk(ExecuteAsync(["FLUSHDB"], cancellationToken));

    /// <summary>SCRIPT FLUSH: forgets every loaded script (scripts reload on their next NOSCRIPT).</summary>
    public ValueTask ScriptFlushAsync(CancellationToken cancellationToken = default)
        => ToOk(ExecuteAsync(["SCRIPT", "FLUSH"], cancellationToken));
}
