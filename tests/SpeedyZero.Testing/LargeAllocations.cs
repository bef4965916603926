using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace SpeedyZero.Testing;

/// <summary>
/// Types of the large-object arrays the calling thread allocates inside <see cref="During"/>, from the
/// runtime's allocation-tick events (one per 100 KB allocated, so every allocation of 100 KB or more shows).
/// Events arrive late and from every thread: a marker array before and after brackets the action and
/// names the thread. The markers are arrays of a type of their own, so an action that allocates large arrays
/// of any other type cannot be taken for one.
/// </summary>
public sealed class LargeAllocations : EventListener
{
    private const int MarkerLength = 200_000; // 1.6 MB: one tick of its own
    private readonly ConcurrentQueue<(long Thread, string Type)> ticks = new();

    public static IReadOnlyList<string> During(Action action)
    {
        using var listener = new LargeAllocations();
        var start = listener.WaitForMarkers(Mark(), 1);
        action();
        var end = listener.WaitForMarkers(Mark(), 2);
        var seen = listener.ticks.ToArray();
        var thread = seen[start].Thread;
        return seen[(start + 1)..end].Where(t => t.Thread == thread).Select(t => t.Type).ToArray();
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.PayloadNames is null) return;
        if (Convert.ToInt32(e.Payload![e.PayloadNames.IndexOf("AllocationKind")]) != 1) return; // 1: large object
        ticks.Enqueue((e.OSThreadId, e.Payload[e.PayloadNames.IndexOf("TypeName")] as string ?? "?"));
    }

    private static readonly string MarkerType = typeof(AllocationMarker[]).Name;

    private static AllocationMarker[] Mark() => new AllocationMarker[MarkerLength];

    // Index of the count-th marker tick once it has arrived.
    private int WaitForMarkers(AllocationMarker[] marker, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var seen = ticks.ToArray();
            var markers = seen.Select((t, i) => (t, i)).Where(x => x.t.Type == MarkerType).Select(x => x.i).ToArray();
            if (markers.Length >= count)
            {
                GC.KeepAlive(marker);
                return markers[count - 1];
            }

            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the runtime's allocation tick for marker {count} ({MarkerType}) did not arrive; large allocations seen: {string.Join(", ", seen.Select(t => t.Type).Distinct())}");
            Thread.Sleep(20);
        }
    }

    private readonly record struct AllocationMarker(long Value);
}
