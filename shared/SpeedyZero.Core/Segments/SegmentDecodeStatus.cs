namespace SpeedyZero.Core.Segments;

/// <summary>Outcome of reading a segment's byte form.</summary>
public enum SegmentDecodeStatus
{
    /// <summary>Read a whole, consistent segment.</summary>
    Ok = 0,

    /// <summary>The bytes end early: a prefix of a possibly valid segment.</summary>
    Incomplete = 1,

    /// <summary>The bytes can never be a valid segment (magic, version, sizes, values or trailing bytes).</summary>
    Malformed = 2,
}
