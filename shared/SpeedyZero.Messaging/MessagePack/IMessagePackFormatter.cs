namespace SpeedyZero.Messaging.MessagePack;

/// <summary>Layer 3: writes and reads one message type, hand-written (no reflection).</summary>
public interface IMessagePackFormatter<T>
{
    void Write(ref MessagePackWriter writer, T value);

    /// <summary>Reads one value; throws <see cref="MessagePackDecodeException"/> for any bad input.</summary>
    T Read(ref MessagePackReader reader);
}
