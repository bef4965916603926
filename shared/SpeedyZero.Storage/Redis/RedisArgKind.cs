namespace SpeedyZero.Storage.Redis;

/// <summary>The representation a <see cref="RedisArg"/> holds.</summary>
public enum RedisArgKind : byte
{
    Text,
    Bytes,
    Integer,
    Float,
}
