namespace SpeedyZero.Messaging.MessagePack;

/// <summary>The format's type families, as told by a token's first byte.</summary>
public enum MessagePackType
{
    /// <summary>The reserved code 0xc1: never valid.</summary>
    Invalid,
    Nil,
    Boolean,
    Integer,
    Float,
    String,
    Binary,
    Array,
    Map,
    Extension,
}
