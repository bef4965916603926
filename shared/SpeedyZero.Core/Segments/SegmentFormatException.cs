namespace SpeedyZero.Core.Segments;

/// <summary>A segment's byte form could not be read; says where and why.</summary>
public sealed class SegmentFormatException : Exception
{
    public SegmentFormatException(SegmentDecodeStatus status, int offset, string message)
        : base($"segment {(status == SegmentDecodeStatus.Incomplete ? "incomplete" : "malformed")} at byte {offset}: {message}")
    {
        Status = status;
        Offset = offset;
    }

    /// <summary>Incomplete (more bytes would help) or malformed (they would not).</summary>
    public SegmentDecodeStatus Status { get; }

    /// <summary>Offset of the offending bytes.</summary>
    public int Offset { get; }
}
