using SpeedyZero.Training.Channels;
using SpeedyZero.Training.InMemory;

namespace SpeedyZero.Training.Tests.InMemory;

/// <summary>The learner's weights reach followers without an array per version.</summary>
public class InMemoryWeightsChannelTests
{
    [Fact]
    public async Task A_reader_sees_what_was_published_even_after_the_publisher_reused_its_buffer()
    {
        var channel = new InMemoryWeightsChannel();
        var exported = new byte[] { 1, 2, 3, 4 };
        await channel.PublishAsync(WeightsKind.Target, 7, exported, CancellationToken.None);
        exported.AsSpan().Fill(9); // the learner exports the next version into the same buffer

        byte[]? seen = null;
        long seenVersion = -1;
        var version = await channel.ReadNewerAsync(WeightsKind.Target, 6, (v, w) => (seenVersion, seen) = (v, w.ToArray()), CancellationToken.None);

        Assert.Equal(7, version);
        Assert.Equal(7, seenVersion);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, seen);
    }

    [Fact]
    public async Task Nothing_is_read_unless_a_newer_version_of_that_kind_exists()
    {
        var channel = new InMemoryWeightsChannel();
        var calls = 0;
        WeightsReader count = (_, _) => calls++;
        Assert.Null(await channel.ReadNewerAsync(WeightsKind.SelfPlay, -1, count, CancellationToken.None));

        await channel.PublishAsync(WeightsKind.SelfPlay, 100, new byte[] { 5 }, CancellationToken.None);
        Assert.Null(await channel.ReadNewerAsync(WeightsKind.SelfPlay, 100, count, CancellationToken.None));
        Assert.Null(await channel.ReadNewerAsync(WeightsKind.Target, -1, count, CancellationToken.None));
        Assert.Equal(0, calls);
        Assert.Equal(100, await channel.ReadNewerAsync(WeightsKind.SelfPlay, 99, count, CancellationToken.None));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Publishing_and_reading_many_versions_allocates_no_array_per_version()
    {
        var channel = new InMemoryWeightsChannel();
        var exported = new byte[1 << 20];
        var sum = 0L;
        WeightsReader read = (_, w) => sum += w[^1];
        await channel.PublishAsync(WeightsKind.SelfPlay, 0, exported, CancellationToken.None); // the channel's buffer, once

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var version = 1; version <= 100; version++)
        {
            exported[^1] = (byte)version;
            await channel.PublishAsync(WeightsKind.SelfPlay, version, exported, CancellationToken.None);
            Assert.Equal(version, await channel.ReadNewerAsync(WeightsKind.SelfPlay, version - 1, read, CancellationToken.None));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(5050, sum); // each read saw its own version's bytes
        Assert.True(allocated < exported.Length / 4, $"{allocated:N0} bytes allocated for 100 versions of {exported.Length:N0} bytes");
    }
}
