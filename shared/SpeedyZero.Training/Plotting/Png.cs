using System.Buffers.Binary;
using System.IO.Compression;

namespace SpeedyZero.Training.Plotting;

/// <summary>Writes an RGB raster as a PNG file (8-bit truecolour, no filtering, zlib-compressed).</summary>
public static class Png
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static void Write(Stream output, Raster raster)
    {
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, raster.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], raster.Height);
        header[8] = 8;  // bits per channel
        header[9] = 2;  // colour type: truecolour RGB
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering, filter type chosen per row
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var stride = raster.Width * 3;
            for (var y = 0; y < raster.Height; y++)
            {
                zlib.WriteByte(0); // filter type None
                zlib.Write(raster.Pixels, y * stride, stride);
            }
        }

        WriteChunk(output, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(output, "IEND", []);
    }

    public static void WriteFile(string path, Raster raster)
    {
        // Write then rename, so a reader never sees a half-written image while the run refreshes it.
        var temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        {
            Write(file, raster);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);

        Span<byte> typeBytes = stackalloc byte[4];
        for (var i = 0; i < 4; i++) typeBytes[i] = (byte)type[i];
        output.Write(typeBytes);
        output.Write(data);

        var crc = Crc(Crc(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
