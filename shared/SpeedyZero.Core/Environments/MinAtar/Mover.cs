namespace SpeedyZero.Core.Environments.MinAtar;

/// <summary>Something that crosses a row of the grid: a bullet, fish, submarine or diver.</summary>
internal struct Mover
{
    public int X;
    public int Y;
    public bool MovesRight;
    /// <summary>Frames until the next move (fish, submarines, divers).</summary>
    public int MoveTimer;
    /// <summary>Frames until the next shot (enemy submarines).</summary>
    public int ShotTimer;

    public readonly bool IsAt(int x, int y) => X == x && Y == y;

    public readonly bool IsOffGrid => X < 0 || X > 9;

    /// <summary>Column behind the mover: where its trail is drawn.</summary>
    public readonly int BackX => MovesRight ? X - 1 : X + 1;

    public void Advance() => X += MovesRight ? 1 : -1;
}
