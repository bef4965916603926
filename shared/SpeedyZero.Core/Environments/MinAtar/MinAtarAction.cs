namespace SpeedyZero.Core.Environments.MinAtar;

/// <summary>MinAtar's full action set, in MinAtar's order (the index is the full-set action id).</summary>
public enum MinAtarAction
{
    Noop = 0,
    Left = 1,
    Up = 2,
    Right = 3,
    Down = 4,
    Fire = 5,
}
