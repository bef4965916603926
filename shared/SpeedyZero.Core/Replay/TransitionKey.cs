namespace SpeedyZero.Core.Replay;

/// <summary>
/// A transition's key in the priority index: its segment id and its position in the segment,
/// packed in one long (position in the low 16 bits).
/// </summary>
public static class TransitionKey
{
    public const int PositionBits = 16;
    public const int MaxPositions = 1 << PositionBits;

    public static long Of(long segmentId, int position) => (segmentId << PositionBits) | (uint)position;

    public static long SegmentOf(long key) => key >> PositionBits;

    public static int PositionOf(long key) => (int)(key & (MaxPositions - 1));
}
