using SpeedyZero.Training.Run;

namespace SpeedyZero.Training.Tests.Run;

/// <summary>A crash between the two moves of a checkpoint swap must not lose the checkpoint.</summary>
public class CheckpointSwapTests
{
    [Fact]
    public void Checkpoint_left_only_as_old_is_found_and_moved_back()
    {
        var root = Path.Combine(Path.GetTempPath(), $"checkpoint-{Guid.NewGuid():N}");
        var path = Path.Combine(root, "checkpoint");
        try
        {
            // The state a crash after "current -> .old" and before "new -> current" leaves behind.
            Directory.CreateDirectory(path + ".old");
            File.WriteAllText(Path.Combine(path + ".old", "state.json"), "{\"learner_steps\": 40, \"env_steps\": 300}");

            Assert.True(Checkpoint.Exists(path));
            var state = Checkpoint.LoadState(path);

            Assert.Equal(40, state.LearnerSteps);
            Assert.True(File.Exists(Path.Combine(path, "state.json")), "the checkpoint is back in place");
            Assert.False(Directory.Exists(path + ".old"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
