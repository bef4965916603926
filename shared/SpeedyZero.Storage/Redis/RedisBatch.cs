using System.Buffers;

namespace SpeedyZero.Storage.Redis;

/// <summary>
/// Commands collected to be sent in one round trip: <see cref="RedisConnection.ExecuteAsync(RedisBatch, CancellationToken)"/>
/// writes them all at once, then awaits all replies; reply i belongs to the command added i-th (each Add
/// returns that index). Error replies stay in the result (check <see cref="RedisReply.IsError"/>), so one
/// failing command does not hide the others. Reusable after <see cref="Clear"/>; not thread-safe.
/// </summary>
public sealed partial class RedisBatch
{
    private readonly ArrayBufferWriter<byte> buffer = new(4096);

    /// <summary>Commands added so far.</summary>
    public int Count { get; private set; }

    internal ReadOnlySequence<byte> Encoded => new(buffer.WrittenMemory);

    /// <summary>Adds any command; returns the index of its reply.</summary>
    public int Add(params ReadOnlySpan<RedisArg> args)
    {
        foreach (ref readonly var arg in args)
        {
            if (arg.Kind == RedisArgKind.Float && double.IsNaN(arg.Number))
            {
                throw new ArgumentException("Redis does not accept NaN as a number", nameof(args));
            }
        }

        new RespWriter(buffer).WriteCommand(args);
        return Count++;
    }

    /// <summary>Empties the batch, keeping its buffer for reuse.</summary>
    public void Clear()
    {
        buffer.ResetWrittenCount();
        Count = 0;
    }
}
