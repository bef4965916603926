namespace SpeedyZero.Engine;

/// <summary>The arithmetic of the train step's convolutions and matrix products (engine.train_precision).</summary>
public enum TrainPrecision
{
    /// <summary>float32 throughout.</summary>
    Float32,

    /// <summary>
    /// bfloat16 through libtorch's CPU autocast, for the forward pass and so the backward pass; weights,
    /// optimiser state, losses and inference stay float32. Needs a CPU with bfloat16 arithmetic
    /// (AVX512_BF16 or AMX); the engine refuses it elsewhere (docs/engine-runtime.md).
    /// </summary>
    BFloat16,
}
