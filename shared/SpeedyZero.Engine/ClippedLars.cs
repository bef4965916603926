using SpeedyZero.Engine.Interop;

namespace SpeedyZero.Engine;

/// <summary>
/// One Clipped LARS update of one parameter tensor, exactly as the optimiser applies it
/// (ALGORITHM.md section 6). Exposed so the formula can be checked on hand-made tensors.
/// </summary>
public static class ClippedLars
{
    /// <summary>
    /// Updates <paramref name="weight"/> and <paramref name="momentum"/> in place and returns the
    /// trust ratio applied. <paramref name="rank"/> 1 (bias, normalisation) skips the trust ratio
    /// and weight decay; rank 2 stands for any weight matrix or kernel.
    /// </summary>
    public static unsafe double Step(Span<float> weight, ReadOnlySpan<float> gradient, Span<float> momentum, int rank,
        OptimizerConfig config, double learningRate)
    {
        if (gradient.Length != weight.Length || momentum.Length != weight.Length)
        {
            throw new ArgumentException($"weight, gradient and momentum must have one length, got {weight.Length}, {gradient.Length}, {momentum.Length}");
        }

        config.Validate();
        EngineRuntime.EnsureLoaded();
        var options = new NativeLarsOptions
        {
            LearningRate = learningRate,
            Momentum = config.Momentum,
            WeightDecay = config.WeightDecay,
            Eta = config.LarsEta,
            TrustMin = config.LarsMin,
            TrustMax = config.LarsMax,
            Eps = config.LarsEps,
        };
        double trust;
        fixed (float* w = weight, g = gradient, m = momentum)
        {
            NativeStatus.Check(NativeMethods.LarsStep(w, g, m, weight.Length, rank, &options, &trust), "lars step");
        }

        return trust;
    }
}
