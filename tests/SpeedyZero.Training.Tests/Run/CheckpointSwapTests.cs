using SpeedyZero.Training.Run;

namespace SpeedyZero.Training.Tests.Run;

/// <summary>A checkpoint keeps what a crash or a stop would lose: itself, cut between the two moves of its swap, and an evaluation owed.</summary>
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

    [Fact]
    public void A_checkpoint_that_owes_an_evaluation_gives_it_back_with_its_weights()
    {
        var path = Path.Combine(Path.GetTempPath(), $"checkpoint-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "state.json"),
                "{\"learner_steps\": 10012, \"env_steps\": 105168, \"pending_evaluation\": {\"learner_step\": 10000, \"env_steps\": 105040}}");
            File.WriteAllBytes(Path.Combine(path, "evaluation.weights"), [7, 8, 9]);

            var state = Checkpoint.LoadState(path);
            var owed = Checkpoint.LoadPendingEvaluation(path, state);

            Assert.NotNull(owed);
            Assert.Equal(10000, owed.LearnerStep);
            Assert.Equal(105040, owed.EnvSteps);
            Assert.Equal([7, 8, 9], owed.Weights);
            Assert.Null(Checkpoint.LoadPendingEvaluation(path, state with { PendingEvaluation = null }));
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
