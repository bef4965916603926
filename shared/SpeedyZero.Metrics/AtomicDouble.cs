namespace SpeedyZero.Metrics;

/// <summary>A double updated lock-free: stored as its bits, added with a compare-exchange loop.</summary>
internal struct AtomicDouble
{
    private long bits;

    public double Value
    {
        readonly get => BitConverter.Int64BitsToDouble(Volatile.Read(in bits));
        set => Volatile.Write(ref bits, BitConverter.DoubleToInt64Bits(value));
    }

    public void Add(double amount)
    {
        var current = Volatile.Read(ref bits);
        while (true)
        {
            var next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(current) + amount);
            var seen = Interlocked.CompareExchange(ref bits, next, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
