namespace SpeedyZero.Engine.Tests;

/// <summary>The Clipped LARS update equals its formula, and the clamp engages at both ends.</summary>
public class ClippedLarsTests
{
    private static readonly OptimizerConfig Lars = new()
    {
        Kind = OptimizerKind.Lars, Momentum = 0.9, WeightDecay = 0.01, LarsEta = 0.02, LarsMin = 0.01, LarsMax = 10, LarsEps = 1e-9,
    };

    [Fact]
    public void Applied_step_matches_the_formula_inside_the_bounds()
    {
        float[] w = [3f, -4f, 0f, 12f];   // ||w|| = 13
        float[] g = [0.1f, 0.2f, -0.2f, 0f]; // ||g|| = 0.3
        float[] m = [0.5f, 0f, -0.5f, 1f];
        var w0 = w.ToArray();
        var m0 = m.ToArray();
        const double lr = 0.1;

        var trust = ClippedLars.Step(w, g, m, rank: 2, Lars, lr);

        var expectedTrust = 0.02 * 13 / (0.3 + (0.01 * 13) + 1e-9);
        Assert.Equal(expectedTrust, trust, 1e-5);
        Assert.InRange(trust, Lars.LarsMin, Lars.LarsMax);
        for (var i = 0; i < w.Length; i++)
        {
            var buffer = (0.9 * m0[i]) + (expectedTrust * (g[i] + (0.01 * w0[i])));
            Assert.Equal(buffer, m[i], 1e-5);
            Assert.Equal(w0[i] - (lr * buffer), w[i], 1e-5);
        }
    }

    [Fact]
    public void Trust_ratio_is_clamped_at_the_upper_bound()
    {
        // Tiny gradient, no weight decay: eta ||w|| / ||g|| = 0.02 * 5 / 1e-4 = 1000 -> 10.
        float[] w = [3f, 4f];
        float[] g = [1e-4f, 0f];
        float[] m = [0f, 0f];

        var trust = ClippedLars.Step(w, g, m, 2, Lars with { WeightDecay = 0 }, 1.0);

        Assert.Equal(10, trust, 1e-9);
        Assert.Equal(3 - (10 * 1e-4), w[0], 1e-6);
        Assert.Equal(4f, w[1]);
    }

    [Fact]
    public void Trust_ratio_is_clamped_at_the_lower_bound()
    {
        // Huge gradient: 0.02 * 5 / (1000 + 0.05) ~ 1e-4 -> 0.01.
        float[] w = [3f, 4f];
        float[] g = [0f, 1000f];
        float[] m = [0f, 0f];

        var trust = ClippedLars.Step(w, g, m, 2, Lars, 1.0);

        Assert.Equal(0.01, trust, 1e-9);
        Assert.Equal(3 - (0.01 * 0.01 * 3), w[0], 1e-5);
        Assert.Equal(4 - (0.01 * (1000 + (0.01 * 4))), w[1], 1e-3);
    }

    [Fact]
    public void One_dimensional_tensors_skip_trust_ratio_and_weight_decay()
    {
        float[] b = [1f, -2f];
        float[] g = [0.5f, 0.25f];
        float[] m = [1f, 0f];

        var trust = ClippedLars.Step(b, g, m, rank: 1, Lars, 0.1);

        Assert.Equal(1, trust);
        Assert.Equal([(0.9f * 1) + 0.5f, 0.25f], m);
        Assert.Equal(1 - (0.1 * 1.4), b[0], 1e-6);
        Assert.Equal(-2 - (0.1 * 0.25), b[1], 1e-6);
    }
}
