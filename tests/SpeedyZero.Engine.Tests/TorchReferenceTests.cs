using System.Globalization;
using SpeedyZero.Bench.Suites;
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
}
