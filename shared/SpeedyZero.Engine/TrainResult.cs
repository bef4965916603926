namespace SpeedyZero.Engine;

/// <summary>
/// What one training step did. Loss components are batch means of each sample's sum over the
/// unroll (before importance weights); <see cref="Total"/> is the importance-weighted loss that
/// was optimised (before the 1/K gradient scale).
/// </summary>
public readonly record struct TrainResult(
    double Total,
    double Policy,
    double Value,
    double ValuePrefix,
    double Consistency,
    double GradNorm,
    double LearningRate,
    long Step);
