namespace SpeedyZero.Core.Environments.MinAtar;

/// <summary>
/// MinAtar Freeway. A chicken in column 4 crosses eight lanes of traffic (rows 1-8) from row 9
/// to row 0, moving at most once every 3 frames. Reaching row 0 gives +1, sends the chicken
/// back to row 9 and redraws every car's speed and direction. A car hitting the chicken sends
/// it back to row 9. Each car moves one cell (wrapping around) every 1-5 frames. The episode
/// ends after 2500 frames (terminated, as in MinAtar). Channels: chicken, car, and five trail
/// channels (speed1..speed5) whose position gives a car's direction and whose index its speed.
/// </summary>
public sealed class Freeway : MinAtarGame
{
    private const int PlayerMoveInterval = 3;
    private const int TimeLimit = 2500;
    private const int Cars = 8;
    private const int ChickenColumn = 4;

    private static readonly string[] Channels = ["chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"];
    private static readonly MinAtarAction[] Minimal = [MinAtarAction.Noop, MinAtarAction.Up, MinAtarAction.Down];

    /// <summary>Car i drives on row i + 1; |Velocity| frames per move, sign = direction.</summary>
    internal struct Car
    {
        public int X;
        public int Timer;
        public int Velocity;
    }

    internal readonly Car[] CarsState = new Car[Cars];
    internal int ChickenY, MoveTimer, TimeLeft;

    public Freeway(EnvironmentOptions? options = null) : base(options, Channels, Minimal) => ResetGame();

    public override string Name => "freeway";


    protected override void ResetGame()
    {
        RandomizeCars(resetPositions: true);
        ChickenY = 9;
        MoveTimer = PlayerMoveInterval;
        TimeLeft = TimeLimit;
    }

    /// <summary>Draws 8 speeds in 1..5, then 8 directions; positions go to column 0 only on reset.</summary>
    private void RandomizeCars(bool resetPositions)
    {
        Span<int> speeds = stackalloc int[Cars];
        for (var i = 0; i < Cars; i++) speeds[i] = 1 + Random.NextInt(5);
        for (var i = 0; i < Cars; i++)
        {
            var velocity = Random.NextInt(2) == 0 ? -speeds[i] : speeds[i];
            ref var car = ref CarsState[i];
            car.Velocity = velocity;
            car.Timer = speeds[i];
            if (resetPositions) car.X = 0;
        }
    }

    protected override int Act(MinAtarAction action)
    {
        if (Terminal) return 0;
        var reward = 0;
        if (MoveTimer == 0 && action == MinAtarAction.Up)
        {
            MoveTimer = PlayerMoveInterval;
            ChickenY = Math.Max(0, ChickenY - 1);
        }
        else if (MoveTimer == 0 && action == MinAtarAction.Down)
        {
            MoveTimer = PlayerMoveInterval;
            ChickenY = Math.Min(9, ChickenY + 1);
        }

        if (ChickenY == 0)
        {
            reward++;
            RandomizeCars(resetPositions: false);
            ChickenY = 9;
        }

        for (var i = 0; i < Cars; i++)
        {
            ref var car = ref CarsState[i];
            if (car.X == ChickenColumn && i + 1 == ChickenY) ChickenY = 9;
            if (car.Timer == 0)
            {
                car.Timer = Math.Abs(car.Velocity);
                car.X += car.Velocity > 0 ? 1 : -1;
                if (car.X < 0) car.X = 9;
                else if (car.X > 9) car.X = 0;
                if (car.X == ChickenColumn && i + 1 == ChickenY) ChickenY = 9;
            }
            else
            {
                car.Timer--;
            }
        }

        if (MoveTimer > 0) MoveTimer--;
        TimeLeft--;
        if (TimeLeft < 0) Terminal = true;
        return reward;
    }

    protected override void Draw(Span<int> rows)
    {
        Set(rows, 0, ChickenY, ChickenColumn);
        for (var i = 0; i < Cars; i++)
        {
            var car = CarsState[i];
            Set(rows, 1, i + 1, car.X);
            var backX = car.Velocity > 0 ? car.X - 1 : car.X + 1;
            if (backX < 0) backX = 9;
            else if (backX > 9) backX = 0;
            Set(rows, 1 + Math.Abs(car.Velocity), i + 1, backX);
        }
    }
}
