using SpeedyZero.Core.Segments;
using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Tests.Segments;

public class SegmentBuilderTests
{
    // Observation of step j: [j, -j] (vector), so every stored step can be traced back.
    private static float[] Obs(int j) => [j, -j];

    private static List<Segment> Play(SegmentOptions options, int steps, EpisodeEnd end, int actionCount = 3)
    {
        long id = 100;
        var builder = new SegmentBuilder(options, ObservationEncoding.Float32, 2, actionCount, () => id++);
        builder.BeginEpisode(Obs(0));
        var policy = new float[actionCount];
        for (var j = 0; j < steps; j++)
        {
            policy.AsSpan().Clear();
            policy[j % actionCount] = 1f;
            builder.Append(j % actionCount, j * 10f, j * 0.5f, policy, Obs(j + 1));
        }

        builder.EndEpisode(end);
        var segments = new List<Segment>();
        while (builder.TryTake(out var s)) segments.Add(s);
        return segments;
    }

    [Fact]
    public void Each_position_belongs_to_one_segment_and_padding_reaches_across()
    {
        var options = new SegmentOptions { Length = 4, UnrollSteps = 2, TdSteps = 3 };
        var segments = Play(options, 11, EpisodeEnd.Terminated);

        // Positions 0-3, 4-7, 8-10: padding 5 after full segments, the rest at the end.
        Assert.Equal([4, 4, 3], segments.Select(s => s.Positions));
        Assert.Equal([9, 7, 3], segments.Select(s => s.Transitions));
        Assert.Equal([EpisodeEnd.None, EpisodeEnd.Terminated, EpisodeEnd.Terminated], segments.Select(s => s.End));
        Assert.Equal([100L, 101L, 102L], segments.Select(s => s.Id));

        var first = 0;
        var observation = new float[2];
        foreach (var s in segments)
        {
            for (var j = 0; j < s.Steps; j++)
            {
                s.ReadObservation(j, observation);
                Assert.Equal(Obs(first + j), observation);
            }

            for (var j = 0; j < s.Transitions; j++)
            {
                Assert.Equal((first + j) % 3, s.Actions[j]);
                Assert.Equal((first + j) * 10f, s.Rewards[j]);
                Assert.Equal((first + j) * 0.5f, s.RootValues[j]);
                Assert.Equal(1f, s.PolicyAt(j)[(first + j) % 3]);
            }

            first += s.Positions;
        }

        // Terminal segments end with the final observation (step 11).
        segments[^1].ReadObservation(segments[^1].Steps - 1, observation);
        Assert.Equal(Obs(11), observation);
    }

    [Fact]
    public void Full_segments_are_emitted_as_soon_as_their_padding_is_known()
    {
        var options = new SegmentOptions { Length = 3, UnrollSteps = 1, TdSteps = 1 };
        var builder = new SegmentBuilder(options, ObservationEncoding.Float32, 2, 2, () => 0);
        builder.BeginEpisode(Obs(0));
        for (var j = 0; j < 4; j++)
        {
            Assert.Equal(0, builder.ReadyCount);
            builder.Append(0, 0, 0, [1f, 0f], Obs(j + 1));
        }

        Assert.Equal(0, builder.ReadyCount);
        builder.Append(0, 0, 0, [1f, 0f], Obs(5));
        Assert.Equal(1, builder.ReadyCount);
    }

    [Fact]
    public void History_frames_repeat_the_first_observation_and_then_follow_the_episode()
    {
        var options = new SegmentOptions { Length = 2, UnrollSteps = 1, TdSteps = 1, HistoryFrames = 3 };
        var segments = Play(options, 7, EpisodeEnd.Truncated, actionCount: 2);
        var stack = new float[4 * 2];
        segments[0].ReadStack(0, 4, stack);
        Assert.Equal([0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f], stack);
        segments[2].ReadStack(1, 4, stack); // step 5 of the episode: frames 2..5
        Assert.Equal([2f, -2f, 3f, -3f, 4f, -4f, 5f, -5f], stack);
        Assert.Equal(EpisodeEnd.Truncated, segments[^1].End);
        Assert.Equal([2, 2, 2, 1], segments.Select(s => s.Positions));
    }

    [Fact]
    public void Long_episodes_keep_only_a_window()
    {
        var options = new SegmentOptions { Length = 5, UnrollSteps = 2, TdSteps = 2 };
        var segments = Play(options, 1003, EpisodeEnd.Terminated);
        Assert.Equal(1003, segments.Sum(s => s.Positions));
        var o = new float[2];
        segments[150].ReadObservation(3, o);
        Assert.Equal(Obs(753), o);
    }

    [Fact]
    public void Misuse_is_reported()
    {
        var builder = new SegmentBuilder(SegmentOptions.Default, ObservationEncoding.Bits, 2, 2, () => 0);
        Assert.Throws<InvalidOperationException>(() => builder.Append(0, 0, 0, [1f, 0f], [0f, 1f]));
        builder.BeginEpisode([0f, 1f]);
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Append(2, 0, 0, [1f, 0f], [0f, 1f]));
        Assert.Throws<ArgumentException>(() => builder.Append(0, 0, 0, [1f, 0f], [0.5f, 1f]));
        Assert.Throws<ArgumentException>(() => builder.EndEpisode(EpisodeEnd.None));
    }
}
