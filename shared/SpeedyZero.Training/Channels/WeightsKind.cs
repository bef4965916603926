namespace SpeedyZero.Training.Channels;

/// <summary>Which copy of the network a weights version is for.</summary>
public enum WeightsKind
{
    /// <summary>Acting (actors, evaluator, refresh's value estimates); refreshed every learner.selfplay_weights_every steps.</summary>
    SelfPlay,

    /// <summary>Reanalysis targets; refreshed every learner.target_weights_every steps.</summary>
    Target,
}
