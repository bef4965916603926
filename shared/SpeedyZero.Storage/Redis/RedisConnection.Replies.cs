using System.Text;

namespace SpeedyZero.Storage.Redis;

/// <summary>Reply conversions for the typed commands; each throws <see cref="RedisException"/> on an error reply.</summary>
public sealed partial class RedisConnection
{
    private static async ValueTask<long> ToInt64(ValueTask<RedisReply> reply) => (await reply.ConfigureAwait(false)).AsInt64();

    private static async ValueTask<bool> ToBoolean(ValueTask<RedisReply> reply) => (await reply.ConfigureAwait(false)).AsInt64() != 0;

    private static async ValueTask ToOk(ValueTask<RedisReply> reply) => (await reply.ConfigureAwait(false)).ThrowIfError();

    private static async ValueTask<bool> ToOkOrNull(ValueTask<RedisReply> reply) => !(await reply.ConfigureAwait(false)).ThrowIfError().IsNull;

    private static async ValueTask<ReadOnlyMemory<byte>?> ToBytes(ValueTask<RedisReply> reply) => (await reply.ConfigureAwait(false)).AsBytes();

    private static async ValueTask<string?> ToText(ValueTask<RedisReply> reply) => (await reply.ConfigureAwait(false)).AsString();

    private static async ValueTask<double?> ToDouble(ValueTask<RedisReply> reply) => (await reply.ConfigureAwait(false)).AsDouble();

    private static async ValueTask<ReadOnlyMemory<byte>?[]> ToBytesArray(ValueTask<RedisReply> reply)
    {
        var elements = (await reply.ConfigureAwait(false)).AsArray();
        var result = new ReadOnlyMemory<byte>?[elements.Length];
        for (var i = 0; i < elements.Length; i++)
        {
            result[i] = elements[i].AsBytes();
        }

        return result;
    }

    private static async ValueTask<ReadOnlyMemory<byte>[]> ToMembers(ValueTask<RedisReply> reply)
    {
        var elements = (await reply.ConfigureAwait(false)).AsArray();
        var result = new ReadOnlyMemory<byte>[elements.Length];
        for (var i = 0; i < elements.Length; i++)
        {
            result[i] = elements[i].AsBytes() ?? throw new RedisException("nil member in a member list");
        }

        return result;
    }

    private static async ValueTask<SortedSetEntry[]> ToEntries(ValueTask<RedisReply> reply)
    {
        var elements = (await reply.ConfigureAwait(false)).AsArray();
        if (elements.Length % 2 != 0)
        {
            throw new RedisException($"WITHSCORES reply with an odd element count {elements.Length}");
        }

        var result = new SortedSetEntry[elements.Length / 2];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new SortedSetEntry(
                elements[2 * i].AsBytes() ?? throw new RedisException("nil member in WITHSCORES reply"),
                elements[(2 * i) + 1].AsDouble() ?? throw new RedisException("nil score in WITHSCORES reply"));
        }

        return result;
    }

    private static async ValueTask<Dictionary<string, ReadOnlyMemory<byte>>> ToHash(ValueTask<RedisReply> reply)
    {
        var elements = (await reply.ConfigureAwait(false)).AsArray();
        var result = new Dictionary<string, ReadOnlyMemory<byte>>(elements.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < elements.Length; i += 2)
        {
            var field = elements[i].AsBytes() ?? throw new RedisException("nil field in HGETALL reply");
            result[Encoding.UTF8.GetString(field.Span)] = elements[i + 1].AsBytes() ?? ReadOnlyMemory<byte>.Empty;
        }

        return result;
    }
}
