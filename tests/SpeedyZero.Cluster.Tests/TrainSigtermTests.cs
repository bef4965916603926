using SpeedyZero.Training.Run;

namespace SpeedyZero.Cluster.Tests;

/// <summary>SIGTERM ends 'speedyzero train' as Ctrl+C does: a checkpoint, a summary, exit code 130.</summary>
public class TrainSigtermTests
{
    [Fact]
    public async Task Sigterm_stops_the_embedded_trainer_with_a_checkpoint_and_a_summary()
    {
        var root = Directory.CreateTempSubdirectory("speedyzero-train-sigterm-");
        try
        {
            using var train = new RoleProcess("train", ["train", "--preset", "catch", "--steps", "10000000", "--out", root.FullName, "--progress", "lines"],
                new Dictionary<string, string>(), metricsPort: 0);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (!train.Output.Contains("[00:00:10]"))
            {
                Assert.False(train.HasExited, $"train exited early:\n{train.Tail()}");
                Assert.True(DateTime.UtcNow < deadline, $"no progress line within 120 s:\n{train.Tail()}");
                await Task.Delay(200);
            }

            train.Terminate();
            Assert.Equal(130, await train.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            var run = new RunFolder(Assert.Single(Directory.GetDirectories(root.FullName)));
            Assert.True(File.Exists(run.SummaryPath), train.Tail());
            Assert.True(Checkpoint.Exists(run.CheckpointPath), train.Tail());
            Assert.True(Checkpoint.LoadState(run.CheckpointPath).LearnerSteps > 0);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
