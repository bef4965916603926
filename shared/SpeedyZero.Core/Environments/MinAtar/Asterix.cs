namespace SpeedyZero.Core.Environments.MinAtar;

/// <summary>
/// MinAtar Asterix. The player moves in four directions between rows 1 and 8. Each of rows 1-8
/// holds at most one entity, an enemy or gold (1 in 3), that enters from a random side and
/// crosses the row. Gold gives +1 when touched; touching an enemy ends the episode. With
/// ramping, every 102 frames entities spawn more often and, every other level, move faster.
/// Channels: player, enemy, trail (each entity's previous cell), gold.
/// </summary>
public sealed class Asterix : MinAtarGame
{
    private const int RampInterval = 100;
    private const int InitialSpawnInterval = 10;
    private const int InitialMoveInterval = 5;
    private const int Slots = 8;

    private static readonly string[] Channels = ["player", "enemy", "trail", "gold"];
    private static readonly MinAtarAction[] Minimal =
        [MinAtarAction.Noop, MinAtarAction.Left, MinAtarAction.Up, MinAtarAction.Right, MinAtarAction.Down];

    /// <summary>One entity per slot; slot i lives on row i + 1.</summary>
    internal struct Entity
    {
        public bool Active;
        public int X;
        public bool MovesRight;
        public bool IsGold;
    }

    internal readonly Entity[] Entities = new Entity[Slots];
    private readonly int[] freeSlots = new int[Slots];
    internal int PlayerX, PlayerY, SpawnInterval, SpawnTimer, MoveInterval, MoveTimer, RampTimer, RampLevel;

    public Asterix(EnvironmentOptions? options = null) : base(options, Channels, Minimal) => ResetGame();

    public override string Name => "asterix";


    public override int DifficultyLevel => RampLevel;

    protected override void ResetGame()
    {
        PlayerX = 5;
        PlayerY = 5;
        Array.Clear(Entities);
        SpawnInterval = InitialSpawnInterval;
        SpawnTimer = SpawnInterval;
        MoveInterval = InitialMoveInterval;
        MoveTimer = MoveInterval;
        RampTimer = RampInterval;
        RampLevel = 0;
    }

    protected override int Act(MinAtarAction action)
    {
        if (Terminal) return 0;
        var reward = 0;
        if (SpawnTimer == 0)
        {
            Spawn();
            SpawnTimer = SpawnInterval;
        }

        switch (action)
        {
            case MinAtarAction.Left: PlayerX = Math.Max(0, PlayerX - 1); break;
            case MinAtarAction.Right: PlayerX = Math.Min(9, PlayerX + 1); break;
            case MinAtarAction.Up: PlayerY = Math.Max(1, PlayerY - 1); break;
            case MinAtarAction.Down: PlayerY = Math.Min(8, PlayerY + 1); break;
        }

        // Contact after the player's move, then again after the entities' move.
        for (var i = 0; i < Slots; i++)
        {
            reward += Touch(i);
        }

        if (MoveTimer == 0)
        {
            MoveTimer = MoveInterval;
            for (var i = 0; i < Slots; i++)
            {
                ref var e = ref Entities[i];
                if (!e.Active) continue;
                e.X += e.MovesRight ? 1 : -1;
                if (e.X < 0 || e.X > 9)
                {
                    e.Active = false;
                    continue;
                }

                reward += Touch(i);
            }
        }

        SpawnTimer--;
        MoveTimer--;

        if (Ramping && (SpawnInterval > 1 || MoveInterval > 1))
        {
            if (RampTimer >= 0)
            {
                RampTimer--;
            }
            else
            {
                if (MoveInterval > 1 && RampLevel % 2 == 1) MoveInterval--;
                if (SpawnInterval > 1) SpawnInterval--;
                RampLevel++;
                RampTimer = RampInterval;
            }
        }

        return reward;
    }

    /// <summary>Resolves contact between the player and slot <paramref name="slot"/>: gold is collected, an enemy ends the game.</summary>
    private int Touch(int slot)
    {
        ref var e = ref Entities[slot];
        if (!e.Active || e.X != PlayerX || slot + 1 != PlayerY) return 0;
        if (e.IsGold)
        {
            e.Active = false;
            return 1;
        }

        Terminal = true;
        return 0;
    }

    private void Spawn()
    {
        var movesRight = Random.NextDouble() < 0.5;
        var isGold = Random.NextDouble() < 1.0 / 3.0;
        var free = 0;
        for (var i = 0; i < Slots; i++)
        {
            if (!Entities[i].Active) freeSlots[free++] = i;
        }

        if (free == 0) return;
        var slot = freeSlots[Random.NextInt(free)];
        Entities[slot] = new Entity { Active = true, X = movesRight ? 0 : 9, MovesRight = movesRight, IsGold = isGold };
    }

    protected override void Draw(Span<int> rows)
    {
        Set(rows, 0, PlayerY, PlayerX);
        for (var i = 0; i < Slots; i++)
        {
            var e = Entities[i];
            if (!e.Active) continue;
            Set(rows, e.IsGold ? 3 : 1, i + 1, e.X);
            var backX = e.MovesRight ? e.X - 1 : e.X + 1;
            if (backX is >= 0 and <= 9) Set(rows, 2, i + 1, backX);
        }
    }
}
