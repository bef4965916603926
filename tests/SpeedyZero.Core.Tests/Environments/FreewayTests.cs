using SpeedyZero.Core.Environments.MinAtar;
using static SpeedyZero.Core.Tests.Environments.Grid;

namespace SpeedyZero.Core.Tests.Environments;

public class FreewayTests
{
    private const int Chicken = 0, Car = 1;
    private readonly float[] obs = new float[700];

    /// <summary>Cars parked in column 0, far from the chicken's column, moving only when told.</summary>
    private Freeway Start()
    {
        var game = new Freeway(Exact);
        game.Reset(9, obs);
        for (var i = 0; i < 8; i++) game.CarsState[i] = new Freeway.Car { X = 0, Timer = 1000, Velocity = 5 };
        game.MoveTimer = 0;
        return game;
    }

    [Fact]
    public void Chicken_moves_at_most_once_every_three_frames()
    {
        var game = Start();
        var rows = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            game.Step((int)MinAtarAction.Up, obs);
            rows.Add(Assert.Single(Cells(obs, Chicken)).Y);
        }

        Assert.Equal([8, 8, 8, 7, 7, 7, 6], rows);
        Assert.All(Cells(obs, Chicken), c => Assert.Equal(4, c.X));
    }

    [Fact]
    public void Crossing_pays_one_and_redraws_car_speeds_but_not_positions()
    {
        var game = Start();
        game.ChickenY = 1;
        for (var i = 0; i < 8; i++) game.CarsState[i].X = i; // distinct columns, none hits row 9's chicken
        var r = game.Step((int)MinAtarAction.Up, obs);
        Assert.Equal(1f, r.Reward);
        Assert.Equal([(9, 4)], Cells(obs, Chicken));
        for (var i = 0; i < 8; i++)
        {
            var car = game.CarsState[i];
            Assert.Equal(i, car.X);
            Assert.InRange(Math.Abs(car.Velocity), 1, 5);
            // Timer was set to the speed and then counted down in the same frame.
            Assert.Equal(Math.Abs(car.Velocity) - 1, car.Timer);
        }
    }

    [Fact]
    public void A_car_sends_the_chicken_back()
    {
        var game = Start();
        game.ChickenY = 7;
        game.CarsState[5] = new Freeway.Car { X = 3, Timer = 0, Velocity = 2 }; // row 6, moving right
        var r = game.Step((int)MinAtarAction.Up, obs);
        Assert.Equal(0f, r.Reward);
        Assert.Equal([(9, 4)], Cells(obs, Chicken));
    }

    [Fact]
    public void Cars_wrap_and_their_trail_shows_speed_and_direction()
    {
        var game = Start();
        game.CarsState[2] = new Freeway.Car { X = 0, Timer = 0, Velocity = -2 }; // row 3, leftward, every 2 frames
        game.Step((int)MinAtarAction.Noop, obs);
        Assert.Equal(9, game.CarsState[2].X);
        Assert.Equal(2, game.CarsState[2].Timer);
        // Trail one cell behind (to the right, wrapping to column 0) in channel speed2.
        Assert.Contains((3, 0), Cells(obs, 3));
        Assert.Contains((3, 9), Cells(obs, Car));
        // Every other car is speed 5 moving right: trail at column 9 (behind column 0) in speed5.
        Assert.Equal(Concat(Row(1, 9, 9), Row(2, 9, 9), Row(4, 9, 9), Row(5, 9, 9), Row(6, 9, 9), Row(7, 9, 9), Row(8, 9, 9)), Cells(obs, 6));
    }

    [Fact]
    public void Episode_ends_after_2501_frames()
    {
        var game = new Freeway(Exact);
        game.Reset(4, obs);
        var frames = 0;
        while (!game.Step((int)MinAtarAction.Noop, obs).Terminated) frames++;
        Assert.Equal(2500, frames);
        Assert.Equal(2501, game.EpisodeStep);
    }
}
