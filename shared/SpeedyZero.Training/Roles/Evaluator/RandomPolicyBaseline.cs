using SpeedyZero.Core.Environments;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Training.Roles.Evaluator;

/// <summary>
/// The floor a learned policy is compared with: episodes of a run's environment (same options:
/// sticky actions, step limit) played with uniformly random actions.
/// </summary>
public static class RandomPolicyBaseline
{
    /// <summary>Returns of <paramref name="episodes"/> random-action episodes; the environment and the actions are seeded from <paramref name="seed"/>.</summary>
    public static double[] Play(TrainingSetup setup, int episodes, ulong seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(episodes);
        var environment = setup.CreateEnvironment();
        var observation = new float[environment.ObservationShape.Size];
        var random = new Random(unchecked((int)seed));
        var returns = new double[episodes];
        environment.Reset(seed, observation);
        for (var episode = 0; episode < episodes && !cancellationToken.IsCancellationRequested; episode++)
        {
            if (episode > 0) environment.Reset(observation);
            double total = 0;
            StepResult step;
            do
            {
                step = environment.Step(random.Next(environment.ActionCount), observation);
                total += step.Reward;
            }
            while (!step.Done);

            returns[episode] = total;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return returns;
    }
}
