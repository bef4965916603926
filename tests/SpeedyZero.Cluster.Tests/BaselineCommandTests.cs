namespace SpeedyZero.Cluster.Tests;

/// <summary>'speedyzero baseline' as a user runs it: a result line, exit code 0; bad usage exit code 2.</summary>
public class BaselineCommandTests
{
    [Fact]
    public async Task Baseline_prints_the_random_policy_return_of_the_presets_environment()
    {
        using var baseline = new RoleProcess("baseline", ["baseline", "--preset", "breakout", "--episodes", "50"], new Dictionary<string, string>(), metricsPort: 0);
        Assert.Equal(0, await baseline.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("breakout: random-policy return", baseline.Output);
        Assert.Contains("over 50 episodes", baseline.Output);
    }

    [Fact]
    public async Task Baseline_refuses_a_non_positive_episode_count()
    {
        using var baseline = new RoleProcess("baseline", ["baseline", "--episodes", "0"], new Dictionary<string, string>(), metricsPort: 0);
        Assert.Equal(2, await baseline.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("--episodes must be positive", baseline.Output);
    }
}
