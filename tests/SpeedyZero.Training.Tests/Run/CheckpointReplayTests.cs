using SpeedyZero.Core.Replay;
using SpeedyZero.Engine;
using SpeedyZero.Testing;
using SpeedyZero.Training.Roles.Replay;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Training.Tests.Run;

/// <summary>The replay in a checkpoint: read back as it was written, and written without large managed arrays.</summary>
public class CheckpointReplayTests
{
    [Fact]
    public void A_full_replay_is_checkpointed_again_without_large_arrays_and_reads_back_the_same()
    {
        // 30,000 transitions: the index's priorities (120 KB) and keys (240 KB) are large objects.
        var buffer = new ReplayBuffer(new PriorityOptions { Capacity = 30_000 }, 3);
        var random = new Random(4);
        for (var id = 0; buffer.Evictions == 0; id++)
        {
            buffer.Add(TestSegments.Make(id, random.Next(5, 20), random));
        }

        using var model = EfficientZeroModel.Create(ModelSpec.Vector(4, 2));
        var target = new byte[64];
        var path = Path.Combine(Path.GetTempPath(), $"checkpoint-{Guid.NewGuid():N}");
        try
        {
            var snapshot = buffer.Snapshot();
            Checkpoint.Save(path, model, target, snapshot, new RunState { LearnerSteps = 1 });
            var first = snapshot.Index;

            // The next checkpoint reuses the last one's index arrays and encodes segments into a pooled buffer.
            buffer.UpdatePriorities([buffer.Status.OldestId + 7], [3.5f]);
            var large = LargeAllocations.During(() =>
            {
                snapshot = buffer.Snapshot(snapshot);
                Checkpoint.Save(path, model, target, snapshot, new RunState { LearnerSteps = 2 });
            });

            Assert.Empty(large);
            Assert.Same(first.Priorities, snapshot.Index.Priorities);
            Assert.Equal(3.5f, snapshot.Index.Priorities[7]);
            var read = Checkpoint.LoadReplay(path);
            Assert.Equal(buffer.Snapshot().Index.ToBytes(), read.Index.ToBytes());
            Assert.Equal(snapshot.Segments.Select(s => s.Id), read.Segments.Select(s => s.Id));
            Assert.Equal(snapshot.Segments[^1].EncodedObservations.ToArray(), read.Segments[^1].EncodedObservations.ToArray());
            Assert.Equal(2, Checkpoint.LoadState(path).LearnerSteps);
        }
        finally
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
    }
}
