using SpeedyZero.Core.Environments.MinAtar;
using static SpeedyZero.Core.Tests.Environments.Grid;

namespace SpeedyZero.Core.Tests.Environments;

public class BreakoutTests
{
    private const int Paddle = 0, Ball = 1, Trail = 2, Brick = 3;
    private readonly float[] obs = new float[400];

    private Breakout Start(int ballX, int ballY, int direction, int paddle)
    {
        var game = new Breakout(Exact);
        game.Reset(1, obs);
        (game.BallX, game.BallY, game.BallDirection, game.Paddle) = (ballX, ballY, direction, paddle);
        (game.LastX, game.LastY) = (ballX, ballY);
        return game;
    }

    [Fact]
    public void Start_state_has_three_brick_rows_and_the_ball_on_row_three_at_an_edge()
    {
        var game = new Breakout();
        for (var seed = 0UL; seed < 20; seed++)
        {
            game.Reset(seed, obs);
            Assert.Equal([(9, 4)], Cells(obs, Paddle));
            var ball = Assert.Single(Cells(obs, Ball));
            Assert.Contains(ball, new[] { (3, 0), (3, 9) });
            Assert.Equal(Cells(obs, Ball), Cells(obs, Trail));
            Assert.Equal(Concat(Row(1, 0, 9), Row(2, 0, 9), Row(3, 0, 9)), Cells(obs, Brick));
        }
    }

    [Fact]
    public void Ball_bounces_off_the_paddle_edge_then_breaks_a_brick()
    {
        var game = Start(ballX: 0, ballY: 3, direction: 2, paddle: 4); // down-right
        int[] actions = [3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]; // right, right, then wait
        var rewards = new List<float>();
        foreach (var a in actions)
        {
            var r = game.Step(a, obs);
            Assert.False(r.Done);
            rewards.Add(r.Reward);
            if (rewards.Count == 6)
            {
                // The ball came down on (9,6) where the paddle is: deflected up-left, kept on row 8.
                Assert.Equal([(8, 6)], Cells(obs, Ball));
                Assert.Equal([(8, 5)], Cells(obs, Trail));
                Assert.Equal([(9, 6)], Cells(obs, Paddle));
            }
        }

        // Up-left from (8,6): (7,5) (6,4) (5,3) (4,2), then brick (3,1) is broken and the ball drops back to row 4.
        Assert.Equal([0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], rewards);
        Assert.Equal([(4, 1)], Cells(obs, Ball));
        Assert.Equal([(4, 2)], Cells(obs, Trail));
        Assert.Equal(29, Cells(obs, Brick).Length);
        Assert.DoesNotContain((3, 1), Cells(obs, Brick));

        // Now moving down-left: (5,0), then the wall turns it with no sideways step: (6,0), then (7,1).
        game.Step(0, obs);
        Assert.Equal([(5, 0)], Cells(obs, Ball));
        game.Step(0, obs);
        Assert.Equal([(6, 0)], Cells(obs, Ball));
        Assert.Equal([(5, 0)], Cells(obs, Trail));
        game.Step(0, obs);
        Assert.Equal([(7, 1)], Cells(obs, Ball));
    }

    [Fact]
    public void Ball_above_the_paddle_goes_back_up_the_way_it_came()
    {
        var game = Start(ballX: 3, ballY: 8, direction: 2, paddle: 3);
        var r = game.Step(0, obs);
        Assert.False(r.Done);
        Assert.Equal(1, game.BallDirection); // up-right
        Assert.Equal([(8, 4)], Cells(obs, Ball));
        game.Step(0, obs);
        Assert.Equal([(7, 5)], Cells(obs, Ball));
    }

    [Fact]
    public void Missing_the_ball_ends_the_episode()
    {
        var game = Start(ballX: 3, ballY: 8, direction: 2, paddle: 0);
        var r = game.Step(0, obs);
        Assert.True(r.Terminated);
        Assert.Equal(0f, r.Reward);
        Assert.Equal([(9, 4)], Cells(obs, Ball));
    }

    [Fact]
    public void Bricks_come_back_when_the_ball_reaches_the_paddle_row_with_none_left()
    {
        var game = Start(ballX: 3, ballY: 8, direction: 2, paddle: 4);
        Array.Clear(game.BrickRows);
        game.Step(0, obs);
        Assert.Equal(Concat(Row(1, 0, 9), Row(2, 0, 9), Row(3, 0, 9)), Cells(obs, Brick));
    }

    [Fact]
    public void Ceiling_reflects_the_ball()
    {
        var game = Start(ballX: 5, ballY: 0, direction: 1, paddle: 4); // up-right at the top
        Array.Clear(game.BrickRows);
        game.Step(0, obs);
        Assert.Equal([(0, 6)], Cells(obs, Ball));
        Assert.Equal(2, game.BallDirection); // now down-right
        game.Step(0, obs);
        Assert.Equal([(1, 7)], Cells(obs, Ball));
    }
}
