namespace SpeedyZero.Engine;

/// <summary>Where a model's tensors live.</summary>
public enum EngineDevice
{
    /// <summary>The CPU (always available).</summary>
    Cpu,

    /// <summary>A CUDA device: only when the engine was built against a CUDA libtorch.</summary>
    Cuda,
}
