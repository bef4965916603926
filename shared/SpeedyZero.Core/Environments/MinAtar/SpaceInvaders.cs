using System.Numerics;

namespace SpeedyZero.Core.Environments.MinAtar;

/// <summary>
/// MinAtar Space Invaders. A cannon on row 9 fires upward (cool-down 5 frames) at a 4x6 block
/// of aliens that steps sideways, and one row down with a turn whenever it touches a side. The
/// aliens step every min(aliens left, interval) frames, so a thin wave speeds up. Every 10
/// frames the alien nearest the cannon's column fires down. +1 per alien hit; a cleared wave
/// comes back, 1 frame faster per wave with ramping (interval 12 down to 6). The episode ends
/// when an alien or an alien bullet reaches the cannon, or the block turns while on row 9.
/// Channels: cannon, alien, alien_left, alien_right (aliens, by marching direction),
/// friendly_bullet, enemy_bullet.
/// </summary>
public sealed class SpaceInvaders : MinAtarGame
{
    private const int ShotCoolDown = 5;
    private const int InitialAlienMoveInterval = 12;
    private const int AlienShotInterval = 10;
    private const int RowMask = (1 << GridSize) - 1;
    private const int WaveRowMask = 0b0011111100; // columns 2..7

    private static readonly string[] Channels = ["cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet"];
    private static readonly MinAtarAction[] Minimal = [MinAtarAction.Noop, MinAtarAction.Left, MinAtarAction.Right, MinAtarAction.Fire];

    // Rows as 10-bit masks, bit x = column x.
    internal readonly int[] Aliens = new int[GridSize];
    internal readonly int[] FriendlyBullets = new int[GridSize];
    internal readonly int[] EnemyBullets = new int[GridSize];
    internal int Cannon, AlienDirection, AlienMoveInterval, AlienMoveTimer, AlienShotTimer, ShotTimer, RampLevel;

    public SpaceInvaders(EnvironmentOptions? options = null) : base(options, Channels, Minimal) => ResetGame();

    public override string Name => "space_invaders";


    public override int DifficultyLevel => RampLevel;

    protected override void ResetGame()
    {
        Cannon = 5;
        Array.Clear(FriendlyBullets);
        Array.Clear(EnemyBullets);
        Array.Clear(Aliens);
        FillWave();
        AlienDirection = -1;
        AlienMoveInterval = InitialAlienMoveInterval;
        AlienMoveTimer = AlienMoveInterval;
        AlienShotTimer = AlienShotInterval;
        RampLevel = 0;
        ShotTimer = 0;
    }

    private void FillWave()
    {
        for (var y = 0; y < 4; y++) Aliens[y] = WaveRowMask;
    }

    private int AlienCount()
    {
        var count = 0;
        foreach (var row in Aliens) count += BitOperations.PopCount((uint)row);
        return count;
    }

    private static bool At(int[] rows, int y, int x) => (rows[y] >> x & 1) != 0;

    protected override int Act(MinAtarAction action)
    {
        if (Terminal) return 0;
        if (action == MinAtarAction.Fire && ShotTimer == 0)
        {
            FriendlyBullets[9] |= 1 << Cannon;
            ShotTimer = ShotCoolDown;
        }
        else if (action == MinAtarAction.Left)
        {
            Cannon = Math.Max(0, Cannon - 1);
        }
        else if (action == MinAtarAction.Right)
        {
            Cannon = Math.Min(9, Cannon + 1);
        }

        // Friendly bullets rise one row; those on row 0 leave.
        Array.Copy(FriendlyBullets, 1, FriendlyBullets, 0, GridSize - 1);
        FriendlyBullets[9] = 0;

        // Enemy bullets fall one row; those on row 9 leave.
        Array.Copy(EnemyBullets, 0, EnemyBullets, 1, GridSize - 1);
        EnemyBullets[0] = 0;
        if (At(EnemyBullets, 9, Cannon)) Terminal = true;

        if (At(Aliens, 9, Cannon)) Terminal = true;
        if (AlienMoveTimer == 0)
        {
            AlienMoveTimer = Math.Min(AlienCount(), AlienMoveInterval);
            var occupied = 0;
            foreach (var row in Aliens) occupied |= row;
            var atLeftEdge = (occupied & 1) != 0;
            var atRightEdge = (occupied & (1 << 9)) != 0;
            if ((atLeftEdge && AlienDirection < 0) || (atRightEdge && AlienDirection > 0))
            {
                AlienDirection = -AlienDirection;
                if (Aliens[9] != 0) Terminal = true;
                // The block steps down; a row at the bottom wraps to the top (the episode is over then anyway).
                var bottom = Aliens[9];
                Array.Copy(Aliens, 0, Aliens, 1, GridSize - 1);
                Aliens[0] = bottom;
            }
            else
            {
                for (var y = 0; y < GridSize; y++)
                {
                    var row = Aliens[y];
                    Aliens[y] = AlienDirection > 0
                        ? ((row << 1) | (row >> 9)) & RowMask
                        : (row >> 1) | ((row & 1) << 9);
                }
            }

            if (At(Aliens, 9, Cannon)) Terminal = true;
        }

        if (AlienShotTimer == 0)
        {
            AlienShotTimer = AlienShotInterval;
            var (y, x) = NearestAlien();
            if (y >= 0) EnemyBullets[y] |= 1 << x;
        }

        var reward = 0;
        for (var y = 0; y < GridSize; y++)
        {
            var hits = Aliens[y] & FriendlyBullets[y];
            if (hits == 0) continue;
            reward += BitOperations.PopCount((uint)hits);
            Aliens[y] &= ~hits;
            FriendlyBullets[y] &= ~hits;
        }

        if (ShotTimer > 0) ShotTimer--;
        AlienMoveTimer--;
        AlienShotTimer--;
        if (AlienCount() == 0)
        {
            if (AlienMoveInterval > 6 && Ramping)
            {
                AlienMoveInterval--;
                RampLevel++;
            }

            FillWave();
        }

        return reward;
    }

    /// <summary>The lowest alien of the occupied column closest to the cannon; on a tie the left column wins.</summary>
    private (int Y, int X) NearestAlien()
    {
        for (var d = 0; d < GridSize; d++)
        {
            var y = LowestAlien(Cannon - d);
            if (y >= 0) return (y, Cannon - d);
            y = LowestAlien(Cannon + d);
            if (y >= 0) return (y, Cannon + d);
        }

        return (-1, -1);
    }

    private int LowestAlien(int x)
    {
        if (x < 0 || x > 9) return -1;
        for (var y = GridSize - 1; y >= 0; y--)
        {
            if (At(Aliens, y, x)) return y;
        }

        return -1;
    }

    protected override void Draw(Span<int> rows)
    {
        Set(rows, 0, 9, Cannon);
        var directionChannel = AlienDirection < 0 ? 2 : 3;
        for (var y = 0; y < GridSize; y++)
        {
            SetRow(rows, 1, y, Aliens[y]);
            SetRow(rows, directionChannel, y, Aliens[y]);
            SetRow(rows, 4, y, FriendlyBullets[y]);
            SetRow(rows, 5, y, EnemyBullets[y]);
        }
    }
}
