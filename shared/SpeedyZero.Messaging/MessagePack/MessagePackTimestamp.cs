namespace SpeedyZero.Messaging.MessagePack;

/// <summary>
/// The spec's timestamp extension (type -1): seconds since the Unix epoch plus nanoseconds (0..999,999,999).
/// Covers a wider range than <see cref="DateTimeOffset"/>.
/// </summary>
public readonly record struct MessagePackTimestamp(long Seconds, uint Nanoseconds)
{
    public const uint MaxNanoseconds = 999_999_999;

    public static MessagePackTimestamp FromDateTimeOffset(DateTimeOffset value)
    {
        var ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        return new MessagePackTimestamp(seconds, (uint)(remainder * 100));
    }

    /// <summary>Converts, truncating to 100 ns ticks; throws when outside DateTimeOffset's range.</summary>
    public DateTimeOffset ToDateTimeOffset()
        => DateTimeOffset.UnixEpoch.AddSeconds(Seconds).AddTicks(Nanoseconds / 100);
}
