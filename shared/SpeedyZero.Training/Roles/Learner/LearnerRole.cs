using SpeedyZero.Engine;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Training.Roles.Learner;

/// <summary>
/// Training: takes reanalysed batches, runs the engine's train step, writes the new priorities
/// back to replay, publishes self-play and target weights on their rhythms, and hands
/// checkpoints and evaluations to the host at their intervals. Holds the update-to-collect
/// ratio from its side by not running ahead of the data.
/// </summary>
public sealed class LearnerRole(
    TrainingSetup setup,
    EfficientZeroModel model,
    IBatchQueue batches,
    IReplayClient replay,
    IWeightsChannel weights,
    IRunClock clock,
    TrainingStats stats)
{
    /// <summary>Called after the step that reached a checkpoint interval (and after the last step).</summary>
    public Action<long>? Checkpoint { get; init; }

    /// <summary>Called with the step and its exported weights at every evaluation interval.</summary>
    public Action<long, byte[]>? Evaluate { get; init; }

    /// <summary>Called after every step with its losses.</summary>
    public Action<TrainResult>? Stepped { get; init; }

    /// <summary>Publishes the current weights as both kinds (start of a run or of a resumed run).</summary>
    public void PublishInitialWeights(byte[]? targetWeights, long targetVersion, CancellationToken cancellationToken)
    {
        var current = model.ExportWeights();
        Blocking.Wait(weights.PublishAsync(WeightsKind.SelfPlay, model.Step, current, cancellationToken));
        Blocking.Wait(weights.PublishAsync(WeightsKind.Target, targetWeights is null ? model.Step : targetVersion, targetWeights ?? current, cancellationToken));
    }

    /// <summary>Trains until the run's data is collected and its learner steps are done.</summary>
    public void Run(CancellationToken cancellationToken)
    {
        var config = setup.Config.Learner;
        var totalEnvSteps = setup.Config.Run.EnvSteps;
        var priorities = new float[config.BatchSize];
        byte[]? exported = null; // every publication exports into it: the channel copies what it keeps
        clock.SetLearnerSteps(model.Step);

        while (!cancellationToken.IsCancellationRequested)
        {
            var collected = clock.EnvSteps;
            var desired = setup.DesiredLearnerSteps(Math.Min(collected, totalEnvSteps));
            if (setup.IsFinished(collected, model.Step))
            {
                break;
            }

            if (model.Step >= desired)
            {
                // Ahead of the data: wait for the actors rather than overfit what is there.
                cancellationToken.WaitHandle.WaitOne(1);
                continue;
            }

            TrainBatch batch;
            stats.BeginLearnerWait();
            try
            {
                batch = Blocking.Wait(batches.TakeAsync(cancellationToken));
            }
            finally
            {
                stats.EndLearnerWait();
            }

            var result = model.TrainStep(batch, priorities);

            Blocking.Wait(replay.UpdatePrioritiesAsync(batch.Ids, priorities, cancellationToken));
            batches.Return(batch);
            var step = result.Step;
            clock.SetLearnerSteps(step);
            stats.RecordTrainStep(result);
            Stepped?.Invoke(result);

            if (step % config.SelfplayWeightsEvery == 0)
            {
                Blocking.Wait(weights.PublishAsync(WeightsKind.SelfPlay, step, model.ExportWeights(ref exported), cancellationToken));
            }

            if (step % config.TargetWeightsEvery == 0)
            {
                Blocking.Wait(weights.PublishAsync(WeightsKind.Target, step, model.ExportWeights(ref exported), cancellationToken));
            }

            if (step % setup.Config.Eval.Every == 0)
            {
                Evaluate?.Invoke(step, model.ExportWeights());
            }

            if (step % config.CheckpointEvery == 0)
            {
                Checkpoint?.Invoke(step);
            }
        }
    }
}
