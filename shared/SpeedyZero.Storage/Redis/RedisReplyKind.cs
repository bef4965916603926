namespace SpeedyZero.Storage.Redis;

/// <summary>RESP2 reply types; nil bulk strings and nil arrays are both <see cref="Null"/>.</summary>
public enum RedisReplyKind : byte
{
    Null,
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,
}
