using System.Buffers;

namespace SpeedyZero.Storage.Redis;

/// <summary>Arguments of a variable-length command in a pooled array; returned once the command is queued.</summary>
internal struct ArgList(int capacity) : IDisposable
{
    private RedisArg[] items = ArrayPool<RedisArg>.Shared.Rent(capacity);
    private int count;

    public readonly ReadOnlySpan<RedisArg> Span => items.AsSpan(0, count);

    public void Add(RedisArg arg) => items[count++] = arg;

    public void AddKeys(ReadOnlySpan<string> keys)
    {
        foreach (var key in keys)
        {
            items[count++] = key;
        }
    }

    public void AddArgs(ReadOnlySpan<RedisArg> args)
    {
        args.CopyTo(items.AsSpan(count));
        count += args.Length;
    }

    public void Dispose()
    {
        // The connection copies arguments before ExecuteAsync returns, so the array can go back now.
        ArrayPool<RedisArg>.Shared.Return(items, clearArray: true);
        items = [];
    }
}
