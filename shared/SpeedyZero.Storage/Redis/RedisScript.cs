using System.Security.Cryptography;
using System.Text;

namespace SpeedyZero.Storage.Redis;

/// <summary>
/// A Lua script run by SHA (EVALSHA). The SHA is computed here once, so the script body travels only when
/// the server does not know it yet: a NOSCRIPT reply (server restart, SCRIPT FLUSH) triggers one SCRIPT
/// LOAD and a retry, done by <see cref="RedisConnection.EvaluateAsync"/>.
/// </summary>
public sealed class RedisScript
{
    private long loads;

    public RedisScript(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        Source = source;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
    }

    /// <summary>The Lua source.</summary>
    public string Source { get; }

    /// <summary>Lower-case hex SHA-1 of the source, as the server names it.</summary>
    public string Sha1 { get; }

    /// <summary>How many times SCRIPT LOAD was sent for this script (first load and NOSCRIPT retries).</summary>
    public long Loads => Interlocked.Read(ref loads);

    /// <summary>Sends SCRIPT LOAD and checks that the server names the script by the same SHA.</summary>
    public async Task LoadAsync(RedisConnection connection, CancellationToken cancellationToken = default)
    {
        var sha = (await connection.ExecuteAsync(["SCRIPT", "LOAD", Source], cancellationToken).ConfigureAwait(false)).AsString();
        Interlocked.Increment(ref loads);
        if (!string.Equals(sha, Sha1, StringComparison.Ordinal))
        {
            throw new RedisException($"SCRIPT LOAD returned SHA {sha}, expected {Sha1}");
        }
    }

    internal RedisArg[] BuildEvalSha(ReadOnlySpan<string> keys, ReadOnlySpan<RedisArg> args)
    {
        var command = new RedisArg[3 + keys.Length + args.Length];
        command[0] = "EVALSHA";
        command[1] = Sha1;
        command[2] = keys.Length;
        for (var i = 0; i < keys.Length; i++)
        {
            command[3 + i] = keys[i];
        }

        args.CopyTo(command.AsSpan(3 + keys.Length));
        return command;
    }
}
