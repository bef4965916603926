namespace SpeedyZero.Engine.Tests;

/// <summary>The h-transform, two-hot targets and the expectation decode.</summary>
public class CategoricalSupportTests
{
    [Fact]
    public void H_transform_matches_its_definition_and_inverts()
    {
        float[] x = [-1000f, -37.5f, -1f, -0.25f, 0f, 0.001f, 0.5f, 3f, 42f, 299.9f, 12345f];
        var h = new float[x.Length];
        var back = new float[x.Length];

        CategoricalSupport.Transform(x, h);
        CategoricalSupport.Inverse(h, back);

        for (var i = 0; i < x.Length; i++)
        {
            var expected = (Math.Sign(x[i]) * (Math.Sqrt(Math.Abs(x[i]) + 1) - 1)) + (0.001 * x[i]);
            Assert.Equal(expected, h[i], 1e-4 * Math.Max(1, Math.Abs(expected)));
            Assert.Equal(x[i], back[i], 1e-3 * Math.Max(1, Math.Abs(x[i])));
        }
    }

    [Fact]
    public void Two_hot_puts_mass_on_the_two_nearest_bins_of_the_transformed_scalar()
    {
        const int support = 5;
        var x = new float[] { 0f, 3f };
        var hot = new float[x.Length * 11];

        CategoricalSupport.TwoHot(x, support, hot);

        // 0 -> exactly bin 0 (index 5).
        Assert.Equal(1f, hot[5]);
        Assert.Equal(1f, hot.AsSpan(0, 11).ToArray().Sum());
        // h(3) = 1.003 -> 0.997 on bin 1 (index 6), 0.003 on bin 2 (index 7).
        var second = hot.AsSpan(11, 11).ToArray();
        Assert.Equal(0.997f, second[6], 1e-4f);
        Assert.Equal(0.003f, second[7], 1e-4f);
        Assert.Equal(2, second.Count(p => p > 0));
    }

    [Fact]
    public void Expectation_decode_inverts_two_hot_inside_the_support_and_clamps_outside()
    {
        const int support = 20;
        float[] x = [-150f, -7.3f, -0.4f, 0f, 0.9f, 13f, 200f, 100000f];
        var hot = new float[x.Length * ((2 * support) + 1)];
        var decoded = new float[x.Length];

        CategoricalSupport.TwoHot(x, support, hot);
        CategoricalSupport.Decode(hot, support, decoded);

        for (var i = 0; i < x.Length - 1; i++) Assert.Equal(x[i], decoded[i], 1e-2 * Math.Max(1, Math.Abs(x[i])));
        // h(1e5) is far above the support: the target sits on the top bin, which decodes to h^-1(20).
        var top = new float[1];
        CategoricalSupport.Inverse([20f], top);
        Assert.Equal(top[0], decoded[^1], 1e-3);
    }

    [Fact]
    public void Decode_rejects_a_wrong_buffer_length()
    {
        var error = Assert.Throws<EngineArgumentException>(() => CategoricalSupport.Decode(new float[10], 5, new float[1]));
        Assert.Contains("probabilities holds 10 elements, expected 11", error.Message);
    }
}
