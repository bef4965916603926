using SpeedyZero.Core.Environments;
using SpeedyZero.Core.Environments.MinAtar;
using static SpeedyZero.Core.Tests.Environments.Grid;

namespace SpeedyZero.Core.Tests.Environments;

public class SpaceInvadersTests
{
    private const int Cannon = 0, Alien = 1, AlienLeft = 2, AlienRight = 3, FriendlyBullet = 4, EnemyBullet = 5;
    private readonly float[] obs = new float[600];

    private static readonly (int Y, int X)[] FullWave = Concat(Row(0, 2, 7), Row(1, 2, 7), Row(2, 2, 7), Row(3, 2, 7));

    /// <summary>A game with only the given aliens, timers pushed out of the way.</summary>
    private SpaceInvaders Start(EnvironmentOptions? options = null, params (int Y, int X)[] aliens)
    {
        var game = new SpaceInvaders(options ?? Exact);
        game.Reset(8, obs);
        Array.Clear(game.Aliens);
        foreach (var (y, x) in aliens) game.Aliens[y] |= 1 << x;
        game.AlienMoveTimer = 1000;
        game.AlienShotTimer = 1000;
        return game;
    }

    [Fact]
    public void Start_state_is_a_four_by_six_wave_marching_left()
    {
        var game = new SpaceInvaders();
        game.Reset(0, obs);
        Assert.Equal([(9, 5)], Cells(obs, Cannon));
        Assert.Equal(FullWave, Cells(obs, Alien));
        Assert.Equal(FullWave, Cells(obs, AlienLeft));
        Assert.Empty(Cells(obs, AlienRight));
    }

    [Fact]
    public void A_shot_rises_one_row_per_frame_and_kills_the_alien()
    {
        var game = Start(Exact, (2, 5), (0, 0));
        var rewards = new List<float>();
        rewards.Add(game.Step((int)MinAtarAction.Fire, obs).Reward);
        Assert.Equal([(8, 5)], Cells(obs, FriendlyBullet));
        for (var i = 0; i < 6; i++) rewards.Add(game.Step((int)MinAtarAction.Noop, obs).Reward);
        Assert.Equal([0f, 0, 0, 0, 0, 0, 1], rewards);
        Assert.Equal([(0, 0)], Cells(obs, Alien));
        Assert.Empty(Cells(obs, FriendlyBullet));
    }

    [Fact]
    public void Fire_is_ignored_during_the_cool_down()
    {
        var game = Start(Exact, (0, 0));
        game.Step((int)MinAtarAction.Fire, obs);
        for (var i = 0; i < 4; i++) game.Step((int)MinAtarAction.Fire, obs);
        Assert.Single(Cells(obs, FriendlyBullet)); // frames 2-5 are inside the 5-frame cool-down
        game.Step((int)MinAtarAction.Fire, obs);
        Assert.Equal([(3, 5), (8, 5)], Cells(obs, FriendlyBullet));
    }

    [Fact]
    public void Clearing_a_wave_brings_a_faster_one_when_ramping()
    {
        var game = Start(Exact, (8, 5));
        game.Step((int)MinAtarAction.Fire, obs);
        Assert.Equal(FullWave, Cells(obs, Alien));
        Assert.Equal((11, 1), (game.AlienMoveInterval, game.DifficultyLevel));

        var flat = Start(Exact with { DifficultyRamping = false }, (8, 5));
        flat.Step((int)MinAtarAction.Fire, obs);
        Assert.Equal((12, 0), (flat.AlienMoveInterval, flat.DifficultyLevel));
    }

    [Fact]
    public void Aliens_turn_and_step_down_at_the_edge()
    {
        var game = Start(Exact, (0, 0), (0, 1));
        game.AlienMoveTimer = 0;
        game.Step((int)MinAtarAction.Noop, obs);
        Assert.Equal([(1, 0), (1, 1)], Cells(obs, Alien));
        Assert.Equal([(1, 0), (1, 1)], Cells(obs, AlienRight));
        Assert.Empty(Cells(obs, AlienLeft));
        // Two aliens left: they step every min(2, 12) frames.
        Assert.Equal(1, game.AlienMoveTimer);
        game.Step((int)MinAtarAction.Noop, obs);
        Assert.Equal([(1, 0), (1, 1)], Cells(obs, Alien));
        game.Step((int)MinAtarAction.Noop, obs);
        Assert.Equal([(1, 1), (1, 2)], Cells(obs, Alien));
    }

    [Fact]
    public void The_nearest_column_shoots_and_the_left_wins_a_tie()
    {
        var game = Start(Exact, (3, 2), (1, 2), (5, 8));
        game.AlienShotTimer = 0;
        game.Step((int)MinAtarAction.Noop, obs);
        // Columns 2 and 8 are both 3 from the cannon at 5; the lowest alien of column 2 fires.
        Assert.Equal([(3, 2)], Cells(obs, EnemyBullet));
        game.Step((int)MinAtarAction.Noop, obs);
        Assert.Equal([(4, 2)], Cells(obs, EnemyBullet));
    }

    [Fact]
    public void An_alien_bullet_reaching_the_cannon_ends_the_episode()
    {
        var game = Start(Exact, (0, 0));
        game.EnemyBullets[7] = 1 << 5;
        Assert.False(game.Step((int)MinAtarAction.Noop, obs).Done);
        Assert.Equal([(8, 5)], Cells(obs, EnemyBullet));
        Assert.True(game.Step((int)MinAtarAction.Noop, obs).Terminated);
    }

    [Fact]
    public void The_cannon_can_dodge()
    {
        var game = Start(Exact, (0, 0));
        game.EnemyBullets[8] = 1 << 5;
        Assert.False(game.Step((int)MinAtarAction.Right, obs).Done);
        Assert.Equal([(9, 6)], Cells(obs, Cannon));
    }
}
