namespace SpeedyZero.Training.Plotting;

/// <summary>An RGB pixel buffer with the few drawing operations charts need.</summary>
public sealed class Raster
{
    public Raster(int width, int height, Rgb background)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
        FillRectangle(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Row-major RGB bytes, top row first.</summary>
    public byte[] Pixels { get; }

    public Rgb this[int x, int y]
    {
        get
        {
            var i = (y * Width + x) * 3;
            return new Rgb(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
    }

    public void Set(int x, int y, Rgb colour)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return; // drawing is clipped to the image
        }

        var i = (y * Width + x) * 3;
        Pixels[i] = colour.R;
        Pixels[i + 1] = colour.G;
        Pixels[i + 2] = colour.B;
    }

    public void FillRectangle(int x, int y, int width, int height, Rgb colour)
    {
        for (var row = Math.Max(0, y); row < Math.Min(Height, y + height); row++)
        for (var column = Math.Max(0, x); column < Math.Min(Width, x + width); column++)
        {
            Set(column, row, colour);
        }
    }

    /// <summary>A straight line of the given thickness (square pen), Bresenham stepping.</summary>
    public void DrawLine(int x0, int y0, int x1, int y1, Rgb colour, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
        var error = dx + dy;
        var offset = (thickness - 1) / 2;
        while (true)
        {
            FillRectangle(x0 - offset, y0 - offset, thickness, thickness, colour);
            if (x0 == x1 && y0 == y1)
            {
                return;
            }

            var doubled = 2 * error;
            if (doubled >= dy)
            {
                error += dy;
                x0 += sx;
            }

            if (doubled <= dx)
            {
                error += dx;
                y0 += sy;
            }
        }
    }

    /// <summary>Text in the built-in 5x7 font, scaled by an integer factor; returns the width drawn.</summary>
    public int DrawText(int x, int y, string text, Rgb colour, int scale = 1)
    {
        var cursor = x;
        foreach (var character in text)
        {
            var glyph = BitmapFont.Glyph(character);
            for (var row = 0; row < BitmapFont.Height; row++)
            for (var column = 0; column < BitmapFont.Width; column++)
            {
                if ((glyph[row] & (1 << (BitmapFont.Width - 1 - column))) != 0)
                {
                    FillRectangle(cursor + column * scale, y + row * scale, scale, scale, colour);
                }
            }

            cursor += BitmapFont.Advance * scale;
        }

        return cursor - x;
    }

    public static int TextWidth(string text, int scale = 1) => text.Length * BitmapFont.Advance * scale;
}
