namespace SpeedyZero.Engine;

/// <summary>The arithmetic of the engine's convolutions and matrix products (engine.precision).</summary>
public enum EnginePrecision
{
    /// <summary>float32 throughout.</summary>
    Float32,

    /// <summary>
    /// bfloat16: the train step's forward pass (and so its backward pass) through libtorch's CPU autocast,
    /// and the convolutions of large-batch inference (the oneDNN path: bfloat16 inputs and weights, float32
    /// outputs). Weights, optimiser state, losses and everything between convolutions stay float32. Needs a
    /// CPU with bfloat16 arithmetic (AVX512_BF16 or AMX); the engine refuses it elsewhere (docs/engine-runtime.md).
    /// </summary>
    BFloat16,

    /// <summary>
    /// A configuration value only: bfloat16 where the CPU has bfloat16 arithmetic, float32 elsewhere and on CUDA.
    /// The configuration loader replaces it with what it chose, so a model never sees it and a run folder's
    /// config.yaml records the precision that ran.
    /// </summary>
    Auto,
}
