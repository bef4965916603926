using System.Buffers;
using SpeedyZero.Messaging.MessagePack;

namespace SpeedyZero.Messaging.Tests.MessagePack;

/// <summary>Helpers: encode with a writer callback, parse hex.</summary>
internal static class MessagePackBytes
{
    public delegate void WriteAction(ref MessagePackWriter writer);

    public static byte[] Encode(WriteAction write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(output);
        write(ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
}
