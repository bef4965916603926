namespace SpeedyZero.Engine;

/// <summary>The optimiser of the training step.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with momentum and weight decay (EfficientZero's choice).</summary>
    Sgd,

    /// <summary>Adam with L2 weight decay (common on CPU-scale configs).</summary>
    Adam,

    /// <summary>SGD with momentum and a per-layer trust ratio clamped to [LarsMin, LarsMax] (SpeedyZero).</summary>
    Lars,
}
