using System.Buffers.Binary;
using System.IO.Compression;
using SpeedyZero.Training.Plotting;

namespace SpeedyZero.Training.Tests.Plotting;

public class PngTests
{
    [Fact]
    public void EncodedImageDecodesToTheSamePixels()
    {
        var raster = new Raster(7, 5, Rgb.White);
        raster.Set(0, 0, new Rgb(10, 20, 30));
        raster.Set(6, 4, new Rgb(200, 100, 50));
        raster.DrawLine(0, 4, 6, 0, Rgb.Black);

        using var stream = new MemoryStream();
        Png.Write(stream, raster);
        var decoded = Decode(stream.ToArray(), out var width, out var height);

        Assert.Equal((7, 5), (width, height));
        Assert.Equal(raster.Pixels, decoded);
    }

    [Fact]
    public void ChunkChecksumsAreValid()
    {
        using var stream = new MemoryStream();
        Png.Write(stream, new Raster(3, 2, Rgb.Grid));
        var bytes = stream.ToArray();

        var chunks = 0;
        for (var offset = 8; offset < bytes.Length; chunks++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));
            var stored = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 8 + length));
            Assert.Equal(Crc32(bytes.AsSpan(offset + 4, length + 4)), stored);
            offset += 12 + length;
        }

        Assert.Equal(3, chunks); // IHDR, IDAT, IEND
    }

    [Fact]
    public void ChartSheetDrawsEverySeriesInItsColour()
    {
        var chart = new LineChart("eval return", "env steps",
        [
            new Series("seed 0", [(0, 10), (1000, 200), (2000, 500)]),
            new Series("seed 1", [(0, 20), (1000, 100), (2000, 300)]),
        ]) { References = [new ReferenceLine("solved", 475)] };

        var raster = ChartSheet.Render([chart, chart with { Title = "again" }]);

        Assert.Equal(1120, raster.Width);
        var colours = new HashSet<Rgb>();
        for (var y = 0; y < raster.Height; y++)
        for (var x = 0; x < raster.Width; x++)
        {
            colours.Add(raster[x, y]);
        }

        Assert.Contains(Rgb.Palette[0], colours);
        Assert.Contains(Rgb.Palette[1], colours);
    }

    private static byte[] Decode(byte[] png, out int width, out int height)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        width = height = 0;
        using var idat = new MemoryStream();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            offset += 12 + length;
        }

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var raw = inflated.ToArray();
        var stride = width * 3;
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            Assert.Equal(0, raw[y * (stride + 1)]); // filter type None
            Array.Copy(raw, y * (stride + 1) + 1, pixels, y * stride, stride);
        }

        return pixels;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
            }
        }

        return ~crc;
    }
}
