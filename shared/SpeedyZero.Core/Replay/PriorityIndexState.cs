using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SpeedyZero.Core.Replay;

/// <summary>
/// Everything a <see cref="PriorityIndex"/> needs to be rebuilt: the transitions held (oldest
/// first, with consecutive ids from <see cref="OldestId"/>), their priorities and keys, the
/// running maximum and the counters. Plain arrays, plus a byte form for a store such as Redis:
/// <code>
///  0 "SZPI"  4 version (1)  5..8 zero  8 oldest id (int64)  16 max priority (float32)  20 zero
/// 24 stale updates (int64)  32 evictions (int64)  40 count (int32)
/// 44 priorities float32 [count], keys int64 [count]   (little-endian)
/// </code>
/// </summary>
/// <param name="OldestId">Id of the first transition in the arrays.</param>
/// <param name="MaxPriority">Largest priority written so far.</param>
/// <param name="StaleUpdates">Updates ignored for evicted transitions.</param>
/// <param name="Evictions">Transitions evicted so far.</param>
/// <param name="Priorities">Priority of each held transition, oldest first.</param>
/// <param name="Keys">Caller key of each held transition, oldest first.</param>
public sealed record PriorityIndexState(long OldestId, float MaxPriority, long StaleUpdates, long Evictions, float[] Priorities, long[] Keys)
{
    /// <summary>Byte layout version written and accepted.</summary>
    public const byte Version = 1;

    private const int HeaderSize = 44;

    private static ReadOnlySpan<byte> Magic => "SZPI"u8;

    /// <summary>Throws when the parts disagree or hold values an index cannot take.</summary>
    public PriorityIndexState Validate()
    {
        ArgumentNullException.ThrowIfNull(Priorities);
        ArgumentNullException.ThrowIfNull(Keys);
        if (OldestId < 0) throw new ArgumentOutOfRangeException(nameof(OldestId), OldestId, "must be non-negative");
        if (Priorities.Length != Keys.Length) throw new ArgumentException($"{Priorities.Length} priorities but {Keys.Length} keys");
        if (!(MaxPriority > 0) || float.IsInfinity(MaxPriority)) throw new ArgumentOutOfRangeException(nameof(MaxPriority), MaxPriority, "must be positive and finite");
        foreach (var p in Priorities)
        {
            if (!(p > 0) || float.IsInfinity(p)) throw new ArgumentOutOfRangeException(nameof(Priorities), p, "priorities must be finite and positive");
        }

        return this;
    }

    /// <summary>Length of the byte form.</summary>
    public long ByteLength => HeaderSize + 12L * Priorities.Length;

    /// <summary>The byte form in a new array.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[ByteLength];
        WriteTo(new MemoryStream(bytes));
        return bytes;
    }

    /// <summary>Writes the byte form to <paramref name="output"/> without a copy of the arrays (a checkpoint's index is over a megabyte).</summary>
    public void WriteTo(Stream output)
    {
        Span<byte> scratch = stackalloc byte[HeaderSize];
        Magic.CopyTo(scratch);
        scratch[4] = Version;
        scratch[5..8].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(scratch[8..], OldestId);
        BinaryPrimitives.WriteSingleLittleEndian(scratch[16..], MaxPriority);
        scratch[20..24].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(scratch[24..], StaleUpdates);
        BinaryPrimitives.WriteInt64LittleEndian(scratch[32..], Evictions);
        BinaryPrimitives.WriteInt32LittleEndian(scratch[40..], Priorities.Length);
        output.Write(scratch);
        if (BitConverter.IsLittleEndian)
        {
            output.Write(MemoryMarshal.AsBytes(Priorities.AsSpan()));
            output.Write(MemoryMarshal.AsBytes(Keys.AsSpan()));
            return;
        }

        foreach (var p in Priorities)
        {
            BinaryPrimitives.WriteSingleLittleEndian(scratch, p);
            output.Write(scratch[..4]);
        }

        foreach (var k in Keys)
        {
            BinaryPrimitives.WriteInt64LittleEndian(scratch, k);
            output.Write(scratch[..8]);
        }
    }

    /// <summary>Reads the byte form; throws <see cref="FormatException"/> naming the offset of what is wrong.</summary>
    public static PriorityIndexState FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderSize) throw new FormatException($"priority index state truncated: {bytes.Length} bytes, header needs {HeaderSize}");
        if (!bytes[..4].SequenceEqual(Magic)) throw new FormatException("priority index state: bad magic at byte 0");
        if (bytes[4] != Version) throw new FormatException($"priority index state: version {bytes[4]} at byte 4 (this reader knows {Version})");
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[40..]);
        if (count < 0 || HeaderSize + 12L * count != bytes.Length)
        {
            throw new FormatException($"priority index state: count {count} at byte 40 needs {HeaderSize + 12L * Math.Max(count, 0)} bytes, got {bytes.Length}");
        }

        var priorities = new float[count];
        var keys = new long[count];
        bytes.Slice(HeaderSize, 4 * count).CopyTo(MemoryMarshal.AsBytes(priorities.AsSpan()));
        bytes.Slice(HeaderSize + 4 * count, 8 * count).CopyTo(MemoryMarshal.AsBytes(keys.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < count; i++)
            {
                priorities[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(HeaderSize + 4 * i)..]);
                keys[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(HeaderSize + 4 * count + 8 * i)..]);
            }
        }

        var state = new PriorityIndexState(
            BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadSingleLittleEndian(bytes[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[32..]),
            priorities, keys);
        try
        {
            return state.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"priority index state: {e.Message}", e);
        }
    }
}
