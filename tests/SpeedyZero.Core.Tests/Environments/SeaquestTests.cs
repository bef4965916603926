using SpeedyZero.Core.Environments.MinAtar;
using static SpeedyZero.Core.Tests.Environments.Grid;

namespace SpeedyZero.Core.Tests.Environments;

public class SeaquestTests
{
    private const int SubFront = 0, SubBack = 1, FriendlyBullet = 2, Trail = 3, EnemyBullet = 4,
        EnemyFish = 5, EnemySub = 6, OxygenGauge = 7, DiverGauge = 8, Diver = 9;

    private readonly float[] obs = new float[1000];

    /// <summary>The player's submarine at (x, y), spawns pushed far away so nothing random happens.</summary>
    private Seaquest Start(int x, int y, bool facingRight)
    {
        var game = new Seaquest(Exact);
        game.Reset(2, obs);
        (game.SubX, game.SubY, game.FacingRight) = (x, y, facingRight);
        game.Surfaced = y == 0;
        game.EnemySpawnTimer = 1000;
        game.DiverSpawnTimer = 1000;
        return game;
    }

    private static Mover At(int x, int y, bool right, int moveTimer = 0, int shotTimer = 0) =>
        new() { X = x, Y = y, MovesRight = right, MoveTimer = moveTimer, ShotTimer = shotTimer };

    [Fact]
    public void Start_state_is_the_submarine_at_the_surface_with_full_oxygen()
    {
        var game = new Seaquest();
        game.Reset(0, obs);
        Assert.Equal([(0, 5)], Cells(obs, SubFront));
        Assert.Equal([(0, 6)], Cells(obs, SubBack)); // facing left: the back is to the right
        Assert.Equal(Row(9, 0, 9), Cells(obs, OxygenGauge));
        Assert.Empty(Cells(obs, DiverGauge));
        foreach (var c in new[] { FriendlyBullet, Trail, EnemyBullet, EnemyFish, EnemySub, Diver }) Assert.Empty(Cells(obs, c));
    }

    [Fact]
    public void A_bullet_hits_a_fish_on_the_next_frame()
    {
        var game = Start(5, 3, facingRight: true);
        game.Fish.Add(At(8, 3, right: false, moveTimer: 0));
        var r1 = game.Step((int)MinAtarAction.Fire, obs);
        Assert.Equal(0f, r1.Reward);
        Assert.Equal([(3, 6)], Cells(obs, FriendlyBullet));
        Assert.Equal([(3, 7)], Cells(obs, EnemyFish));
        Assert.Equal([(3, 8)], Cells(obs, Trail));
        Assert.Equal([(3, 4)], Cells(obs, SubBack));

        var r2 = game.Step((int)MinAtarAction.Noop, obs);
        Assert.Equal(1f, r2.Reward);
        Assert.False(r2.Done);
        Assert.Empty(Cells(obs, FriendlyBullet));
        Assert.Empty(Cells(obs, EnemyFish));
        Assert.Empty(Cells(obs, Trail));
        // Two frames under water: 198 oxygen is 9 gauge cells.
        Assert.Equal(Row(9, 0, 8), Cells(obs, OxygenGauge));
    }

    [Fact]
    public void An_enemy_submarine_shoots_the_player_two_frames_later()
    {
        var game = Start(5, 4, facingRight: false);
        game.Subs.Add(At(2, 4, right: true, moveTimer: 5, shotTimer: 0));
        var r = game.Step((int)MinAtarAction.Noop, obs);
        Assert.False(r.Done);
        Assert.Equal([(4, 3)], Cells(obs, EnemyBullet)); // fired from (4,2), then moved one cell
        Assert.Equal([(4, 2)], Cells(obs, EnemySub));
        r = game.Step((int)MinAtarAction.Noop, obs);
        Assert.False(r.Done);
        Assert.Equal([(4, 4)], Cells(obs, EnemyBullet));
        r = game.Step((int)MinAtarAction.Noop, obs);
        Assert.True(r.Terminated);
    }

    [Fact]
    public void Divers_are_picked_up_and_surfacing_spends_one()
    {
        var game = Start(5, 1, facingRight: false);
        game.Divers.Add(At(4, 1, right: true, moveTimer: 0));
        game.Step((int)MinAtarAction.Noop, obs);
        Assert.Equal(1, game.DiverCount);
        Assert.Empty(Cells(obs, Diver));
        Assert.Equal([(9, 8)], Cells(obs, DiverGauge));

        var r = game.Step((int)MinAtarAction.Up, obs);
        Assert.False(r.Done);
        Assert.Equal(0f, r.Reward);
        Assert.Equal(0, game.DiverCount);
        Assert.Equal(200, game.Oxygen);
        Assert.Equal((19, 5, 1), (game.EnemySpawnInterval, game.MoveInterval, game.DifficultyLevel));

        // Staying at the surface does nothing more; diving and surfacing with no diver ends the game.
        Assert.False(game.Step((int)MinAtarAction.Noop, obs).Done);
        Assert.False(game.Step((int)MinAtarAction.Down, obs).Done);
        Assert.True(game.Step((int)MinAtarAction.Up, obs).Terminated);
    }

    [Fact]
    public void Surfacing_with_six_divers_pays_for_the_oxygen_left()
    {
        var game = Start(5, 1, facingRight: false);
        game.DiverCount = 6;
        game.Oxygen = 150;
        game.Step((int)MinAtarAction.Noop, obs);
        Assert.Equal(Row(9, 3, 8), Cells(obs, DiverGauge));
        var r = game.Step((int)MinAtarAction.Up, obs);
        Assert.Equal(7f, r.Reward); // 149 * 10 / 200
        Assert.False(r.Done);
        Assert.Equal(-1, game.DiverCount); // MinAtar's bookkeeping, kept on purpose
        Assert.Empty(Cells(obs, DiverGauge));
        Assert.Equal(Row(9, 0, 9), Cells(obs, OxygenGauge));
    }

    [Fact]
    public void Running_out_of_oxygen_ends_the_game()
    {
        var game = Start(5, 4, facingRight: false);
        game.Oxygen = 1;
        var r = game.Step((int)MinAtarAction.Noop, obs);
        Assert.False(r.Done);
        Assert.Empty(Cells(obs, OxygenGauge));
        Assert.True(game.Step((int)MinAtarAction.Noop, obs).Terminated);
    }

    [Fact]
    public void Fish_swimming_into_the_player_ends_the_game()
    {
        var game = Start(5, 6, facingRight: true);
        game.Fish.Add(At(7, 6, right: false, moveTimer: 0));
        Assert.False(game.Step((int)MinAtarAction.Noop, obs).Done);
        Assert.Equal([(6, 6)], Cells(obs, EnemyFish));
        game.Fish[0].MoveTimer = 0;
        Assert.True(game.Step((int)MinAtarAction.Noop, obs).Terminated);
    }

    [Fact]
    public void Enemies_do_not_spawn_into_a_row_with_traffic_the_other_way()
    {
        // Rows 1-8 each hold a fish going right and one going left: no spawn can fit anywhere.
        var game = Start(0, 0, facingRight: false);
        for (var y = 1; y <= 8; y++)
        {
            game.Fish.Add(At(4, y, right: true, moveTimer: 100));
            game.Fish.Add(At(6, y, right: false, moveTimer: 100));
        }

        for (var i = 0; i < 50; i++)
        {
            game.EnemySpawnTimer = 0;
            game.Step((int)MinAtarAction.Noop, obs);
            Assert.Equal(16, game.Fish.Count);
            Assert.Equal(0, game.Subs.Count);
        }
    }
}
