using System.Globalization;
using SpeedyZero.Bench.Suites;
using SpeedyZero.Testing;
using Xunit.Abstractions;

namespace SpeedyZero.Engine.Tests;

/// <summary>
/// The engine computes what the PyTorch reference network computes (the engine bench's check, run
/// as a test): inference on the engine's exported weights, and two train steps from them, agree to
/// float rounding. It holds the engine's own training kernels (linear layers through oneDNN's gemm,
/// batch norm with the ReLU after it, the min-max normalisation, the gradient scaling of unrolled
/// latents) to libtorch's results.
/// Needs Debian's python3-torch, which `make deps` installs; without it the check fails naming it.
/// </summary>
public class TorchReferenceTests(ITestOutputHelper output)
{
    [Fact]
    public void Engine_inference_and_train_steps_match_the_pytorch_reference()
    {
        var result = TwinCheck.Run(EngineBench.ReferenceNetwork(), TorchReference.Find(), threads: 2);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Tensors} tensors, {result.Parameters} parameters; largest difference {result.LargestDifference:G3} ({result.LargestName}); weights moved {result.WeightsMoved:G3}"));
        // TwinCheck throws when any output, loss, priority or weight differs by more than its tolerance;
        // the steps must also have moved the weights, or the comparison after training says nothing.
        Assert.True(result.WeightsMoved > 1e-3, $"training moved the weights by only {result.WeightsMoved}");
        Assert.True(result.Tensors > 0);
    }

    /// <summary>
    /// engine.precision bfloat16 against PyTorch's CPU autocast: the same casts to bfloat16 around
    /// convolutions and gemms, but the two programs round in other places and orders, so the steps
    /// agree to bfloat16's rounding (8 bits of mantissa), not float32's. Measured on the reference
    /// network: gradient norm and weights after a step within 1.0e-2, losses within 8e-4, priorities
    /// within 2e-5.
    /// </summary>
    [Fact]
    public void Engine_bfloat16_train_steps_match_pytorch_autocast_or_are_refused_without_bfloat16()
    {
        var spec = EngineBench.ReferenceNetwork() with { Precision = EnginePrecision.BFloat16 };
        if (!CpuFeatures.HasBFloat16())
        {
            Assert.Throws<EngineArgumentException>(() => EfficientZeroModel.Create(spec));
            return;
        }

        var result = TwinCheck.Run(spec, TorchReference.Find(), threads: 2, tolerance: 3e-2);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"largest difference {result.LargestDifference:G3} ({result.LargestName}); weights moved {result.WeightsMoved:G3}"));
        Assert.True(result.WeightsMoved > 1e-3, $"training moved the weights by only {result.WeightsMoved}");
    }
}
