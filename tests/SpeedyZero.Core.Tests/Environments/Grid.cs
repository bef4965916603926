using SpeedyZero.Core.Environments.MinAtar;

namespace SpeedyZero.Core.Tests.Environments;

/// <summary>Reads MinAtar observations back as cell lists, so tests state expected positions plainly.</summary>
internal static class Grid
{
    /// <summary>The (row, column) cells set in <paramref name="channel"/>, row-major order; fails on values other than 0 and 1.</summary>
    public static (int Y, int X)[] Cells(float[] observation, int channel)
    {
        var cells = new List<(int, int)>();
        for (var y = 0; y < MinAtarGame.GridSize; y++)
        {
            for (var x = 0; x < MinAtarGame.GridSize; x++)
            {
                var v = observation[channel * 100 + y * 10 + x];
                Assert.True(v == 0f || v == 1f, $"channel {channel} ({y},{x}) holds {v}");
                if (v == 1f) cells.Add((y, x));
            }
        }

        return [.. cells];
    }

    /// <summary>Cells of one row given as a range of columns.</summary>
    public static (int Y, int X)[] Row(int y, int fromX, int toX) =>
        Enumerable.Range(fromX, toX - fromX + 1).Select(x => (y, x)).ToArray();

    public static (int Y, int X)[] Concat(params (int Y, int X)[][] parts) =>
        parts.SelectMany(p => p).OrderBy(c => c.Y).ThenBy(c => c.X).ToArray();

    /// <summary>Options with no sticky actions, so hand-checked sequences apply exactly what they say.</summary>
    public static readonly SpeedyZero.Core.Environments.EnvironmentOptions Exact = new() { StickyActionProbability = 0 };
}
