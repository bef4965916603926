namespace SpeedyZero.Core.Environments.MinAtar;

/// <summary>
/// MinAtar Seaquest. The player's submarine (front and back cells show its heading) moves in
/// rows 0-8 and fires sideways (cool-down 5). Fish and enemy submarines cross rows 1-8; enemy
/// submarines fire every 11 frames. +1 per enemy shot. Divers cross rows 1-8 and are picked up
/// on contact (at most 6 aboard). Oxygen (200) drops by 1 per frame below the surface. Surfacing
/// (row 0) with divers refills oxygen and drops one diver; with 6 aboard it instead pays
/// oxygen*10/200 and empties the diver gauge. Each surfacing raises the difficulty (faster
/// spawns, and every other level faster enemies) when ramping is on. The episode ends on
/// contact with a fish, submarine or enemy bullet, when oxygen runs out, or when surfacing
/// with no diver.
/// Channels: sub_front, sub_back, friendly_bullet, trail, enemy_bullet, enemy_fish, enemy_sub,
/// oxygen_guage, diver_guage, diver (MinAtar's names).
/// </summary>
/// <remarks>
/// As in MinAtar: surfacing with 6 divers leaves the diver count at -1 (its gauge empty) and a
/// later surfacing is then not fatal; a submarine removed in a frame still fires if its shot
/// timer is due (the bullet leaves the grid at once when the submarine had left it).
/// </remarks>
public sealed class Seaquest : MinAtarGame
{
    private const int MaxOxygen = 200;
    private const int InitialEnemySpawnInterval = 20;
    private const int DiverSpawnInterval = 30;
    private const int InitialMoveInterval = 5;
    private const int ShotCoolDown = 5;
    private const int EnemyShotInterval = 10;
    private const int DiverMoveInterval = 5;
    private const int MaxDivers = 6;

    private static readonly string[] Channels =
    [
        "sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet",
        "enemy_fish", "enemy_sub", "oxygen_guage", "diver_guage", "diver",
    ];

    private static readonly MinAtarAction[] Minimal =
        [MinAtarAction.Noop, MinAtarAction.Left, MinAtarAction.Up, MinAtarAction.Right, MinAtarAction.Down, MinAtarAction.Fire];

    internal readonly MoverList FriendlyBullets = new(16);
    internal readonly MoverList EnemyBullets = new(128);
    internal readonly MoverList Fish = new(128);
    internal readonly MoverList Subs = new(128);
    internal readonly MoverList Divers = new(16);
    internal int SubX, SubY, Oxygen, DiverCount, EnemySpawnInterval, EnemySpawnTimer, DiverSpawnTimer, MoveInterval, ShotTimer, RampLevel;
    internal bool FacingRight, Surfaced;

    public Seaquest(EnvironmentOptions? options = null) : base(options, Channels, Minimal) => ResetGame();

    public override string Name => "seaquest";


    public override int DifficultyLevel => RampLevel;

    protected override void ResetGame()
    {
        Oxygen = MaxOxygen;
        DiverCount = 0;
        SubX = 5;
        SubY = 0;
        FacingRight = false;
        FriendlyBullets.Clear();
        EnemyBullets.Clear();
        Fish.Clear();
        Subs.Clear();
        Divers.Clear();
        EnemySpawnInterval = InitialEnemySpawnInterval;
        EnemySpawnTimer = EnemySpawnInterval;
        DiverSpawnTimer = DiverSpawnInterval;
        MoveInterval = InitialMoveInterval;
        RampLevel = 0;
        ShotTimer = 0;
        Surfaced = true;
    }

    protected override int Act(MinAtarAction action)
    {
        if (Terminal) return 0;
        var reward = 0;
        if (EnemySpawnTimer == 0)
        {
            SpawnEnemy();
            EnemySpawnTimer = EnemySpawnInterval;
        }

        if (DiverSpawnTimer == 0)
        {
            SpawnDiver();
            DiverSpawnTimer = DiverSpawnInterval;
        }

        if (action == MinAtarAction.Fire && ShotTimer == 0)
        {
            FriendlyBullets.Add(new Mover { X = SubX, Y = SubY, MovesRight = FacingRight });
            ShotTimer = ShotCoolDown;
        }
        else if (action == MinAtarAction.Left)
        {
            SubX = Math.Max(0, SubX - 1);
            FacingRight = false;
        }
        else if (action == MinAtarAction.Right)
        {
            SubX = Math.Min(9, SubX + 1);
            FacingRight = true;
        }
        else if (action == MinAtarAction.Up)
        {
            SubY = Math.Max(0, SubY - 1);
        }
        else if (action == MinAtarAction.Down)
        {
            SubY = Math.Min(8, SubY + 1);
        }

        // Every list is walked from its end, so removing the current entry keeps the walk valid.
        reward += MoveFriendlyBullets();
        MoveDivers();
        reward += MoveEnemySubs();
        MoveEnemyBullets();
        reward += MoveFish();

        if (EnemySpawnTimer > 0) EnemySpawnTimer--;
        if (DiverSpawnTimer > 0) DiverSpawnTimer--;
        if (ShotTimer > 0) ShotTimer--;
        if (Oxygen <= 0) Terminal = true;
        if (SubY > 0)
        {
            Oxygen--;
            Surfaced = false;
        }
        else if (!Surfaced)
        {
            if (DiverCount == 0) Terminal = true;
            else reward += Surface();
        }

        return reward;
    }

    private int MoveFriendlyBullets()
    {
        var reward = 0;
        for (var i = FriendlyBullets.Count - 1; i >= 0; i--)
        {
            ref var bullet = ref FriendlyBullets[i];
            bullet.Advance();
            if (bullet.IsOffGrid)
            {
                FriendlyBullets.RemoveAt(i);
                continue;
            }

            var fish = Fish.IndexAt(bullet.X, bullet.Y);
            if (fish >= 0)
            {
                Fish.RemoveAt(fish);
                FriendlyBullets.RemoveAt(i);
                reward++;
                continue;
            }

            var sub = Subs.IndexAt(bullet.X, bullet.Y);
            if (sub >= 0)
            {
                Subs.RemoveAt(sub);
                FriendlyBullets.RemoveAt(i);
                reward++;
            }
        }

        return reward;
    }

    private void MoveDivers()
    {
        for (var i = Divers.Count - 1; i >= 0; i--)
        {
            ref var diver = ref Divers[i];
            if (diver.IsAt(SubX, SubY) && DiverCount < MaxDivers)
            {
                Divers.RemoveAt(i);
                DiverCount++;
            }
            else if (diver.MoveTimer == 0)
            {
                diver.MoveTimer = DiverMoveInterval;
                diver.Advance();
                if (diver.IsOffGrid)
                {
                    Divers.RemoveAt(i);
                }
                else if (diver.IsAt(SubX, SubY) && DiverCount < MaxDivers)
                {
                    Divers.RemoveAt(i);
                    DiverCount++;
                }
            }
            else
            {
                diver.MoveTimer--;
            }
        }
    }

    private int MoveEnemySubs()
    {
        var reward = 0;
        for (var i = Subs.Count - 1; i >= 0; i--)
        {
            var sub = Subs[i];
            var removed = false;
            if (sub.IsAt(SubX, SubY)) Terminal = true;
            if (sub.MoveTimer == 0)
            {
                sub.MoveTimer = MoveInterval;
                sub.Advance();
                if (sub.IsOffGrid)
                {
                    removed = true;
                }
                else if (sub.IsAt(SubX, SubY))
                {
                    Terminal = true;
                }
                else
                {
                    var bullet = FriendlyBullets.IndexAt(sub.X, sub.Y);
                    if (bullet >= 0)
                    {
                        FriendlyBullets.RemoveAt(bullet);
                        removed = true;
                        reward++;
                    }
                }
            }
            else
            {
                sub.MoveTimer--;
            }

            if (sub.ShotTimer == 0)
            {
                sub.ShotTimer = EnemyShotInterval;
                EnemyBullets.Add(new Mover { X = sub.X, Y = sub.Y, MovesRight = sub.MovesRight });
            }
            else
            {
                sub.ShotTimer--;
            }

            if (removed) Subs.RemoveAt(i);
            else Subs[i] = sub;
        }

        return reward;
    }

    private void MoveEnemyBullets()
    {
        for (var i = EnemyBullets.Count - 1; i >= 0; i--)
        {
            ref var bullet = ref EnemyBullets[i];
            if (bullet.IsAt(SubX, SubY)) Terminal = true;
            bullet.Advance();
            if (bullet.IsOffGrid) EnemyBullets.RemoveAt(i);
            else if (bullet.IsAt(SubX, SubY)) Terminal = true;
        }
    }

    private int MoveFish()
    {
        var reward = 0;
        for (var i = Fish.Count - 1; i >= 0; i--)
        {
            ref var fish = ref Fish[i];
            if (fish.IsAt(SubX, SubY)) Terminal = true;
            if (fish.MoveTimer == 0)
            {
                fish.MoveTimer = MoveInterval;
                fish.Advance();
                if (fish.IsOffGrid)
                {
                    Fish.RemoveAt(i);
                }
                else if (fish.IsAt(SubX, SubY))
                {
                    Terminal = true;
                }
                else
                {
                    var bullet = FriendlyBullets.IndexAt(fish.X, fish.Y);
                    if (bullet >= 0)
                    {
                        FriendlyBullets.RemoveAt(bullet);
                        Fish.RemoveAt(i);
                        reward++;
                    }
                }
            }
            else
            {
                fish.MoveTimer--;
            }
        }

        return reward;
    }

    private int Surface()
    {
        Surfaced = true;
        var reward = 0;
        if (DiverCount == MaxDivers)
        {
            DiverCount = 0;
            reward = Oxygen * 10 / MaxOxygen;
        }

        Oxygen = MaxOxygen;
        DiverCount--;
        if (Ramping && (EnemySpawnInterval > 1 || MoveInterval > 2))
        {
            if (MoveInterval > 2 && RampLevel % 2 == 1) MoveInterval--;
            if (EnemySpawnInterval > 1) EnemySpawnInterval--;
            RampLevel++;
        }

        return reward;
    }

    private void SpawnEnemy()
    {
        var movesRight = Random.NextDouble() < 0.5;
        var isSub = Random.NextDouble() < 1.0 / 3.0;
        var y = 1 + Random.NextInt(8);
        // No spawn into a row where something already travels the other way.
        if (HasOpposing(Subs, y, movesRight) || HasOpposing(Fish, y, movesRight)) return;
        var enemy = new Mover { X = movesRight ? 0 : 9, Y = y, MovesRight = movesRight, MoveTimer = MoveInterval };
        if (isSub)
        {
            enemy.ShotTimer = EnemyShotInterval;
            Subs.Add(enemy);
        }
        else
        {
            Fish.Add(enemy);
        }
    }

    private static bool HasOpposing(MoverList list, int y, bool movesRight)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Y == y && list[i].MovesRight != movesRight) return true;
        }

        return false;
    }

    private void SpawnDiver()
    {
        var movesRight = Random.NextDouble() < 0.5;
        var y = 1 + Random.NextInt(8);
        Divers.Add(new Mover { X = movesRight ? 0 : 9, Y = y, MovesRight = movesRight, MoveTimer = DiverMoveInterval });
    }

    protected override void Draw(Span<int> rows)
    {
        Set(rows, 0, SubY, SubX);
        var backX = FacingRight ? SubX - 1 : SubX + 1;
        if (backX is >= 0 and <= 9) Set(rows, 1, SubY, backX);
        var oxygenCells = Math.Max(0, Oxygen) * 10 / MaxOxygen;
        for (var x = 0; x < oxygenCells; x++) Set(rows, 7, 9, x);
        for (var x = 9 - DiverCount; x < 9; x++) Set(rows, 8, 9, x);
        DrawMovers(rows, FriendlyBullets, 2, trail: false);
        DrawMovers(rows, EnemyBullets, 4, trail: false);
        DrawMovers(rows, Fish, 5, trail: true);
        DrawMovers(rows, Subs, 6, trail: true);
        DrawMovers(rows, Divers, 9, trail: true);
    }

    private static void DrawMovers(Span<int> rows, MoverList list, int channel, bool trail)
    {
        for (var i = 0; i < list.Count; i++)
        {
            var m = list[i];
            Set(rows, channel, m.Y, m.X);
            if (trail && m.BackX is >= 0 and <= 9) Set(rows, 3, m.Y, m.BackX);
        }
    }
}
