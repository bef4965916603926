using SpeedyZero.Core.Segments;
using SpeedyZero.Core.Targets;
using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Tests.Targets;

public class TargetBuilderTests
{
    private static readonly TargetOptions Small = new()
    {
        UnrollSteps = 2, TdSteps = 3, Discount = 0.5f, ValuePrefixHorizon = 2, ClipRewards = false, DynamicHorizon = false,
    };

    private static readonly float[] Rewards = [1, 2, 3, 4, 5, 6];

    // Policy of step j is one-hot on j % 2.
    private static readonly float[] Policies = [1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1];

    private sealed record Targets(float[] Values, float[] Prefixes, float[] Policies, float[] Masks, float[] PrefixMasks, int[] Boot);

    private static Targets Compute(TargetOptions options, TrajectoryView trajectory, int start, int horizon, float[] bootstrap)
    {
        var k = options.UnrollSteps;
        var t = new Targets(new float[k + 1], new float[k], new float[(k + 1) * trajectory.ActionCount], new float[k + 1], new float[k], new int[k + 1]);
        TargetBuilder.BootstrapSteps(options, trajectory, start, horizon, t.Boot);
        TargetBuilder.Compute(options, trajectory, start, horizon, bootstrap, t.Values, t.Prefixes, t.Policies, t.Masks, t.PrefixMasks);
        return t;
    }

    [Fact]
    public void Terminal_episode_stops_the_sum_and_the_bootstrap()
    {
        var t = Compute(Small, new TrajectoryView(Rewards, Policies, 2, 6, EpisodeEnd.Terminated), start: 2, horizon: 3, [10, 20, 30]);
        // k=0: 3 + 4/2 + 5/4 + 10/8; k=1: 4 + 5/2 + 6/4 (step 6 is terminal); k=2: 5 + 6/2.
        Assert.Equal([7.5f, 8f, 8f], t.Values);
        Assert.Equal([5, -1, -1], t.Boot);
        Assert.Equal([3f, 7f], t.Prefixes); // reset at k=1: r2; then r2 + r3
        Assert.Equal([1f, 1f, 1f], t.Masks);
        Assert.Equal([1f, 1f], t.PrefixMasks);
        Assert.Equal([1f, 0f, 0f, 1f, 1f, 0f], t.Policies);
    }

    [Fact]
    public void Truncated_episode_bootstraps_from_its_final_observation()
    {
        var t = Compute(Small, new TrajectoryView(Rewards, Policies, 2, 6, EpisodeEnd.Truncated), start: 2, horizon: 3, [10, 20, 30]);
        // k=1: 8 + 20/8; k=2: 8 + 30/4 (the final observation is two steps away).
        Assert.Equal([7.5f, 10.5f, 15.5f], t.Values);
        Assert.Equal([5, 6, 6], t.Boot);
    }

    [Fact]
    public void Steps_past_the_end_are_masked()
    {
        var t = Compute(Small, new TrajectoryView(Rewards, Policies, 2, 6, EpisodeEnd.Terminated), start: 5, horizon: 3, [10, 20, 30]);
        Assert.Equal([6f, 0f, 0f], t.Values);
        Assert.Equal([1f, 0f, 0f], t.Masks);
        Assert.Equal([6f, 6f], t.Prefixes);
        Assert.Equal([1f, 0f], t.PrefixMasks);
        Assert.Equal([0f, 1f, 0f, 0f, 0f, 0f], t.Policies);
        Assert.Equal([-1, -1, -1], t.Boot);
    }

    [Fact]
    public void Value_prefix_restarts_every_horizon()
    {
        var options = Small with { UnrollSteps = 5, ValuePrefixHorizon = 2 };
        float[] rewards = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
        var t = Compute(options, new TrajectoryView(rewards, new float[20], 2, 10, EpisodeEnd.Truncated), start: 1, horizon: 1, new float[6]);
        Assert.Equal([2f, 6f, 8f, 24f, 32f], t.Prefixes);
    }

    [Fact]
    public void Rewards_are_clipped_to_their_sign_when_asked()
    {
        var options = Small with { UnrollSteps = 1, ClipRewards = true };
        var t = Compute(options, new TrajectoryView([-3f, 0f, 7f, 0.2f], new float[8], 2, 4, EpisodeEnd.Terminated), start: 0, horizon: 3, [0f, 0f]);
        Assert.Equal([-1f + 0f + 0.25f, 0f + 0.5f + 0.25f], t.Values);
        Assert.Equal([-1f], t.Prefixes);
    }

    [Fact]
    public void Missing_padding_is_an_error()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            Compute(Small, new TrajectoryView(Rewards, Policies, 2, 6, EpisodeEnd.None), start: 3, horizon: 3, [0, 0, 0]));
        Assert.Contains("padding", ex.Message);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(299, 5)]
    [InlineData(300, 4)]
    [InlineData(600, 3)]
    [InlineData(899, 3)]
    [InlineData(900, 2)]
    [InlineData(1200, 1)]
    [InlineData(50_000, 1)]
    public void Dynamic_horizon_shrinks_with_age(long age, int expected) =>
        Assert.Equal(expected, TargetBuilder.Horizon(TargetOptions.Default with { TdSteps = 5 }, age, 1000));

    [Fact]
    public void Fixed_horizon_ignores_age() =>
        Assert.Equal(5, TargetBuilder.Horizon(TargetOptions.Default with { DynamicHorizon = false }, 10_000, 1000));

    [Fact]
    public void Targets_across_a_segment_boundary_match_the_whole_episode()
    {
        // One 23-step episode cut into segments of 4 positions; every position's targets computed
        // from its segment equal those computed from the whole episode.
        var options = TargetOptions.Default with { UnrollSteps = 3, TdSteps = 4, ClipRewards = false };
        var segmentOptions = new SegmentOptions { Length = 4, UnrollSteps = 3, TdSteps = 4 };
        const int steps = 23;
        var random = new Random(4);
        var rewards = Enumerable.Range(0, steps).Select(_ => (float)random.Next(-2, 3)).ToArray();
        var policies = Enumerable.Range(0, steps * 2).Select(_ => (float)random.NextDouble()).ToArray();
        var values = Enumerable.Range(0, steps + 1).Select(_ => (float)random.NextDouble()).ToArray();
        var builder = new SegmentBuilder(segmentOptions, ObservationEncoding.Float32, 1, 2, () => 0);
        builder.BeginEpisode([0f]);
        for (var j = 0; j < steps; j++) builder.Append(0, rewards[j], 0, policies.AsSpan(j * 2, 2), [j + 1f]);
        builder.EndEpisode(EpisodeEnd.Truncated);

        var whole = new TrajectoryView(rewards, policies, 2, steps, EpisodeEnd.Truncated);
        var first = 0;
        while (builder.TryTake(out var segment))
        {
            for (var p = 0; p < segment.Positions; p++)
            {
                foreach (var horizon in new[] { 1, 4 })
                {
                    var expectedBoot = new int[4];
                    TargetBuilder.BootstrapSteps(options, whole, first + p, horizon, expectedBoot);
                    var wholeBoot = expectedBoot.Select(s => s < 0 ? 0f : values[s]).ToArray();
                    var expected = Compute(options, whole, first + p, horizon, wholeBoot);

                    var boot = new int[4];
                    TargetBuilder.BootstrapSteps(options, segment.AsTrajectory(), p, horizon, boot);
                    var segmentBoot = boot.Select(s => s < 0 ? 0f : values[first + s]).ToArray();
                    var actual = Compute(options, segment.AsTrajectory(), p, horizon, segmentBoot);

                    Assert.Equal(expectedBoot.Select(s => s < 0 ? -1 : s - first), boot);
                    Assert.Equal(expected.Values, actual.Values);
                    Assert.Equal(expected.Prefixes, actual.Prefixes);
                    Assert.Equal(expected.Masks, actual.Masks);
                    Assert.Equal(expected.PrefixMasks, actual.PrefixMasks);
                    Assert.Equal(expected.Policies, actual.Policies);
                }
            }

            first += segment.Positions;
        }

        Assert.Equal(steps, first);
    }
}
