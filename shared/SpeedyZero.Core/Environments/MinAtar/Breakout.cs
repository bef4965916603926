namespace SpeedyZero.Core.Environments.MinAtar;

/// <summary>
/// MinAtar Breakout. A paddle on the bottom row bounces a ball that moves one cell diagonally per
/// frame into three rows of bricks (rows 1-3). +1 per brick; the rows come back when the ball
/// reaches the paddle row with no brick left. The ball reflects off walls, the ceiling and
/// bricks; on the paddle row it bounces back when it was above the paddle, is deflected
/// sideways when it lands on the paddle, and otherwise the episode ends.
/// Channels: paddle, ball, trail (the ball's previous cell), brick.
/// </summary>
public sealed class Breakout : MinAtarGame
{
    private static readonly string[] Channels = ["paddle", "ball", "trail", "brick"];
    private static readonly MinAtarAction[] Minimal = [MinAtarAction.Noop, MinAtarAction.Left, MinAtarAction.Right];

    // Ball directions: 0 up-left, 1 up-right, 2 down-right, 3 down-left.
    private static readonly int[] DirX = [-1, 1, 1, -1];
    private static readonly int[] DirY = [-1, -1, 1, 1];
    private static readonly int[] MirrorX = [1, 0, 3, 2];
    private static readonly int[] MirrorY = [3, 2, 1, 0];
    private static readonly int[] Deflect = [2, 3, 0, 1];

    /// <summary>Bricks per row as bit masks (bit x = column x).</summary>
    internal readonly int[] BrickRows = new int[GridSize];
    internal int BallX, BallY, BallDirection, Paddle, LastX, LastY;
    /// <summary>Set while the ball is inside a brick cell it just hit; stops double hits.</summary>
    internal bool Strike;

    public Breakout(EnvironmentOptions? options = null) : base(options, Channels, Minimal) => ResetGame();

    public override string Name => "breakout";


    protected override void ResetGame()
    {
        var startRight = Random.NextInt(2) == 1;
        BallY = 3;
        (BallX, BallDirection) = startRight ? (9, 3) : (0, 2);
        Paddle = 4;
        Array.Clear(BrickRows);
        FillBricks();
        Strike = false;
        LastX = BallX;
        LastY = BallY;
    }

    private void FillBricks()
    {
        BrickRows[1] = BrickRows[2] = BrickRows[3] = (1 << GridSize) - 1;
    }

    private bool AnyBrick()
    {
        foreach (var row in BrickRows)
        {
            if (row != 0) return true;
        }

        return false;
    }

    protected override int Act(MinAtarAction action)
    {
        if (Terminal) return 0;
        var reward = 0;
        if (action == MinAtarAction.Left) Paddle = Math.Max(0, Paddle - 1);
        else if (action == MinAtarAction.Right) Paddle = Math.Min(9, Paddle + 1);

        LastX = BallX;
        LastY = BallY;
        var newX = BallX + DirX[BallDirection];
        var newY = BallY + DirY[BallDirection];

        var inBrick = false;
        if (newX < 0 || newX > 9)
        {
            // The wall turns the ball; it stays in the edge column this frame.
            newX = Math.Clamp(newX, 0, 9);
            BallDirection = MirrorX[BallDirection];
        }

        if (newY < 0)
        {
            newY = 0;
            BallDirection = MirrorY[BallDirection];
        }
        else if ((BrickRows[newY] >> newX & 1) != 0)
        {
            inBrick = true;
            if (!Strike)
            {
                reward++;
                Strike = true;
                BrickRows[newY] &= ~(1 << newX);
                newY = LastY;
                BallDirection = MirrorY[BallDirection];
            }
        }
        else if (newY == 9)
        {
            if (!AnyBrick()) FillBricks();
            if (BallX == Paddle)
            {
                BallDirection = MirrorY[BallDirection];
                newY = LastY;
            }
            else if (newX == Paddle)
            {
                BallDirection = Deflect[BallDirection];
                newY = LastY;
            }
            else
            {
                Terminal = true;
            }
        }

        if (!inBrick) Strike = false;
        BallX = newX;
        BallY = newY;
        return reward;
    }

    protected override void Draw(Span<int> rows)
    {
        Set(rows, 1, BallY, BallX);
        Set(rows, 0, 9, Paddle);
        Set(rows, 2, LastY, LastX);
        for (var y = 0; y < GridSize; y++) SetRow(rows, 3, y, BrickRows[y]);
    }
}
