namespace SpeedyZero.Messaging.MessagePack;

/// <summary>Outcome of decoding one token with <see cref="MessagePackPrimitives"/>.</summary>
public enum MessagePackStatus
{
    /// <summary>Decoded; the token size is the number of bytes consumed.</summary>
    Ok,

    /// <summary>The buffer ends inside the token; the token size is the total the token needs. More bytes may fix it.</summary>
    Incomplete,

    /// <summary>A valid token of another type than the one asked for.</summary>
    TypeMismatch,

    /// <summary>A value of the right type that does not fit the requested .NET type.</summary>
    OutOfRange,

    /// <summary>Bytes no valid input contains (the reserved code 0xc1). More bytes cannot fix it.</summary>
    Malformed,
}
