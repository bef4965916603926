using SpeedyZero.Core.Environments;
using SpeedyZero.Core.Environments.MinAtar;
using static SpeedyZero.Core.Tests.Environments.Grid;

namespace SpeedyZero.Core.Tests.Environments;

public class AsterixTests
{
    private const int Player = 0, Enemy = 1, Trail = 2, Gold = 3;
    private readonly float[] obs = new float[400];

    private Asterix Start(EnvironmentOptions? options = null)
    {
        var game = new Asterix(options ?? Exact);
        game.Reset(5, obs);
        game.SpawnTimer = 1000; // no random spawns during hand-checked sequences
        return game;
    }

    private static Asterix.Entity Entity(int x, bool right, bool gold) => new() { Active = true, X = x, MovesRight = right, IsGold = gold };

    [Fact]
    public void Gold_moving_onto_the_player_is_collected()
    {
        var game = Start();
        game.Entities[4] = Entity(6, right: false, gold: true); // row 5, beside the player at (5,5)
        game.Entities[0] = Entity(3, right: true, gold: false); // row 1
        game.MoveTimer = 1;
        var r = game.Step((int)MinAtarAction.Noop, obs);
        Assert.Equal(0f, r.Reward);
        Assert.Equal([(5, 5)], Cells(obs, Player));
        Assert.Equal([(5, 6)], Cells(obs, Gold));
        Assert.Equal([(1, 3)], Cells(obs, Enemy));
        Assert.Equal([(1, 2), (5, 7)], Cells(obs, Trail));

        r = game.Step((int)MinAtarAction.Noop, obs); // move timer reached 0: everything moves
        Assert.Equal(1f, r.Reward);
        Assert.Empty(Cells(obs, Gold));
        Assert.Equal([(1, 4)], Cells(obs, Enemy));
        Assert.Equal([(1, 3)], Cells(obs, Trail));
        Assert.Equal(4, game.MoveTimer); // back to the interval (5), then counted down once
    }

    [Fact]
    public void Walking_into_an_enemy_ends_the_episode()
    {
        var game = Start();
        game.Entities[2] = Entity(5, right: true, gold: false); // row 3
        game.PlayerY = 4;
        game.MoveTimer = 3;
        var r = game.Step((int)MinAtarAction.Up, obs);
        Assert.True(r.Terminated);
        Assert.Equal([(3, 5)], Cells(obs, Player));
        Assert.Equal([(3, 5)], Cells(obs, Enemy));
    }

    [Fact]
    public void Player_stays_between_rows_one_and_eight()
    {
        var game = Start();
        game.PlayerY = 1;
        game.Step((int)MinAtarAction.Up, obs);
        Assert.Equal([(1, 5)], Cells(obs, Player));
        game.PlayerY = 8;
        game.Step((int)MinAtarAction.Down, obs);
        Assert.Equal([(8, 5)], Cells(obs, Player));
        game.PlayerX = 0;
        game.Step((int)MinAtarAction.Left, obs);
        Assert.Equal([(8, 0)], Cells(obs, Player));
    }

    [Fact]
    public void Entities_leave_at_the_edge()
    {
        var game = Start();
        game.Entities[7] = Entity(9, right: true, gold: true);
        game.MoveTimer = 0;
        game.Step((int)MinAtarAction.Noop, obs);
        Assert.Empty(Cells(obs, Gold));
        Assert.Empty(Cells(obs, Trail));
        Assert.False(game.Entities[7].Active);
    }

    [Fact]
    public void Spawn_puts_one_entity_at_an_edge_of_a_free_row()
    {
        var game = Start();
        for (var i = 1; i < 8; i++) game.Entities[i] = Entity(5, right: true, gold: false);
        game.PlayerY = 1;
        game.PlayerX = 2;
        game.SpawnTimer = 0;
        game.MoveTimer = 3;
        game.Step((int)MinAtarAction.Noop, obs);
        // Only row 1 (slot 0) was free.
        Assert.True(game.Entities[0].Active);
        var x = game.Entities[0].X;
        Assert.Equal(game.Entities[0].MovesRight ? 0 : 9, x);
        Assert.Equal(10 - 1, game.SpawnTimer);
    }

    [Fact]
    public void Difficulty_ramps_every_102_frames_when_enabled()
    {
        var ramped = Start();
        var flat = Start(Exact with { DifficultyRamping = false });
        for (var frame = 1; frame <= 204; frame++)
        {
            foreach (var game in new[] { ramped, flat })
            {
                Array.Clear(game.Entities);
                game.Step((int)MinAtarAction.Noop, obs);
            }

            if (frame == 101) Assert.Equal((10, 5, 0), (ramped.SpawnInterval, ramped.MoveInterval, ramped.DifficultyLevel));
            if (frame == 102) Assert.Equal((9, 5, 1), (ramped.SpawnInterval, ramped.MoveInterval, ramped.DifficultyLevel));
            if (frame == 203) Assert.Equal((9, 5, 1), (ramped.SpawnInterval, ramped.MoveInterval, ramped.DifficultyLevel));
        }

        // The second level also speeds movement up (odd level index).
        Assert.Equal((8, 4, 2), (ramped.SpawnInterval, ramped.MoveInterval, ramped.DifficultyLevel));
        Assert.Equal((10, 5, 0), (flat.SpawnInterval, flat.MoveInterval, flat.DifficultyLevel));
    }
}
