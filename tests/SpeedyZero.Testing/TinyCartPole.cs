using System.Globalization;

namespace SpeedyZero.Testing;

/// <summary>
/// The config of the cluster tests' runs: CartPole with a network and searches small enough
/// that every role of a run fits beside the others on a 2-core machine in seconds.
/// </summary>
public static class TinyCartPole
{
    /// <summary>The YAML; <paramref name="envSteps"/> null leaves the preset's run length (for runs the test stops itself).</summary>
    public static string Config(long? envSteps = null, int checkpointEvery = 1_000_000, int selfplayWeightsEvery = 5, int targetWeightsEvery = 10)
    {
        var run = envSteps is { } steps ? $"run:\n  env_steps: {steps.ToString(CultureInfo.InvariantCulture)}\n" : "";
        return run + $"""
            preset: cartpole
            engine:
              threads: 1
            env:
              parallel: 4
            search:
              simulations: 4
            replay:
              capacity: 200000
              segment_length: 20
              warmup_transitions: 64
            reanalyze:
              simulations: 2
              queue_capacity: 2
            refresh:
              batch_size: 32
            learner:
              batch_size: 16
              train_ratio: 0.1
              selfplay_weights_every: {selfplayWeightsEvery}
              target_weights_every: {targetWeightsEvery}
              checkpoint_every: {checkpointEvery}
            eval:
              every: 20
              episodes: 2
            model:
              hidden: 16
              latent: 16
              head_hidden: 8
              lstm_hidden: 8
              projection_hidden: 16
              projection_out: 16
              predictor_hidden: 8
            metrics:
              host: 127.0.0.1

            """;
    }
}
