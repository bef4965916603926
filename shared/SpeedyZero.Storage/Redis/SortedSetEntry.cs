using System.Text;

namespace SpeedyZero.Storage.Redis;

/// <summary>A sorted-set member (binary-safe) with its score.</summary>
public readonly record struct SortedSetEntry(ReadOnlyMemory<byte> Member, double Score)
{
    /// <summary>The member decoded as UTF-8.</summary>
    public string MemberText => Encoding.UTF8.GetString(Member.Span);
}
