using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Tests.Environments;

public class CatchTests
{
    [Fact]
    public void Following_the_ball_catches_it()
    {
        for (ulong seed = 0; seed < 20; seed++)
        {
            var game = new Catch();
            var observation = new float[game.ObservationShape.Size];
            game.Reset(seed, observation);
            var ball = Array.IndexOf(observation, 1f); // row 0 of the ball channel
            StepResult result;
            do
            {
                var paddle = Array.IndexOf(observation, 1f, 25) - 25 - 20;
                result = game.Step(Math.Sign(ball - paddle) + 1, observation);
            }
            while (!result.Done);

            Assert.Equal((1f, true, false), (result.Reward, result.Terminated, result.Truncated));
            Assert.Equal(4, game.EpisodeStep);
        }
    }

    [Fact]
    public void Moving_away_from_a_distant_ball_misses()
    {
        var game = new Catch();
        var observation = new float[game.ObservationShape.Size];
        ulong seed = 0;
        do
        {
            game.Reset(++seed, observation);
        }
        while (Array.IndexOf(observation, 1f) != 0); // ball in column 0

        StepResult result;
        do
        {
            result = game.Step(2, observation);
        }
        while (!result.Done);

        Assert.Equal(-1f, result.Reward);
        Assert.Equal(1f, observation[25 + 20 + 4]); // paddle pinned at the right wall
        Assert.Equal(1f, observation[20]);           // ball on the bottom row, column 0
    }

    [Fact]
    public void Same_seed_same_ball_columns()
    {
        var a = new Catch();
        var b = new Catch();
        var oa = new float[50];
        var ob = new float[50];
        a.Reset(7, oa);
        b.Reset(7, ob);
        for (var episode = 0; episode < 10; episode++)
        {
            Assert.Equal(oa, ob);
            a.Reset(oa);
            b.Reset(ob);
        }
    }
}
