namespace SpeedyZero.Messaging.MessagePack;

/// <summary>
/// Input that is not a valid message: truncated, malformed, of the wrong type, beyond a limit, or missing a
/// required field. <see cref="Offset"/> is the byte offset (from the start of the input) of the token at fault.
/// </summary>
public sealed class MessagePackDecodeException(string message, long offset, bool isIncomplete = false)
    : FormatException($"{message} (at byte offset {offset})")
{
    /// <summary>Byte offset of the offending token in the input.</summary>
    public long Offset { get; } = offset;

    /// <summary>True when the input simply ended too early (a longer input might be valid).</summary>
    public bool IsIncomplete { get; } = isIncomplete;
}
