namespace SpeedyZero.Messaging.MessagePack;

/// <summary>
/// The tensor extension (docs/messagepack.md): ext type 84 ('T') whose data is
/// <c>[u8 layout version = 1][u8 dtype][u8 rank][u8 reserved = 0][rank x u32 LE dims][elements, LE, row-major]</c>.
/// The element block is copied in one piece, never element by element.
/// </summary>
public static class TensorFormat
{
    /// <summary>Extension type code of a tensor.</summary>
    public const sbyte ExtensionType = 84;

    /// <summary>Layout version written; readers reject others.</summary>
    public const byte LayoutVersion = 1;

    /// <summary>Largest rank accepted.</summary>
    public const int MaxRank = 8;

    /// <summary>Bytes before the element block for a given rank.</summary>
    public static int HeaderSize(int rank) => 4 + (4 * rank);

    internal static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("tensor block copies assume a little-endian host (x64, arm64)");
        }
    }
}
