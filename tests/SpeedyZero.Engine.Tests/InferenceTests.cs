namespace SpeedyZero.Engine.Tests;

/// <summary>Inference through IRecurrentModel: shapes, zero-initialised heads, LSTM state, learning schedule.</summary>
public class InferenceTests
{
    [Theory]
    [InlineData("vector")]
    [InlineData("grid")]
    [InlineData("image")]
    public void Fresh_model_predicts_zero_value_and_uniform_policy_because_its_heads_start_at_zero(string family)
    {
        Core.Model.IRecurrentModel model = EfficientZeroModel.Create(TestModels.Family(family));
        var shape = model.Shape;
        var random = new Random(4);
        var observations = Enumerable.Range(0, 3 * shape.ObservationSize).Select(_ => (float)random.NextDouble()).ToArray();
        var initial = new TestModels.Outputs(shape, 3);
        Array.Fill(initial.Hidden, 9f);

        model.InitialInference(observations, 3, initial.View());

        // Uniform over a symmetric support: zero up to float rounding of the expectation.
        Assert.All(initial.Value, v => Assert.Equal(0f, v, 1e-4f));
        Assert.All(initial.Policy, p => Assert.Equal(0f, p));
        Assert.All(initial.Hidden, h => Assert.Equal(0f, h));
        Assert.All(initial.Latent, s => Assert.InRange(s, 0f, 1f)); // min-max normalised
        Assert.Contains(initial.Latent, s => s > 0);

        var next = new TestModels.Outputs(shape, 3);
        model.RecurrentInference(initial.Latent, initial.Hidden, initial.Cell, [0, 1, 1], 3, next.View());
        Assert.All(next.ValuePrefix, v => Assert.Equal(0f, v, 1e-4f));
        Assert.Contains(next.Hidden, h => h != 0); // the LSTM ran
        Assert.NotEqual(initial.Latent, next.Latent);
        ((IDisposable)model).Dispose();
    }

    [Fact]
    public void Recurrent_inference_depends_on_action_and_lstm_state_and_is_deterministic()
    {
        using var model = EfficientZeroModel.Create(TestModels.Grid());
        var batch = TestModels.RandomBatch(model, 4, seed: 9);
        for (var i = 0; i < 20; i++) batch.Train(model);
        var shape = model.Shape;
        var initial = new TestModels.Outputs(shape, 1);
        model.InitialInference(batch.Observations.AsSpan(0, shape.ObservationSize), 1, initial.View());

        float[] Run(int action, float lstm)
        {
            var hidden = Enumerable.Repeat(lstm, shape.LstmHiddenSize).ToArray();
            var o = new TestModels.Outputs(shape, 1);
            model.RecurrentInference(initial.Latent, hidden, hidden, [action], 1, o.View());
            return o.All();
        }

        Assert.Equal(Run(0, 0), Run(0, 0));
        Assert.NotEqual(Run(0, 0), Run(2, 0));
        Assert.NotEqual(Run(0, 0), Run(0, 0.5f));
    }

    [Fact]
    public void Batched_inference_equals_item_by_item()
    {
        using var model = EfficientZeroModel.Create(TestModels.Vector());
        var batch = TestModels.RandomBatch(model, 4, seed: 6);
        for (var i = 0; i < 10; i++) batch.Train(model);
        var shape = model.Shape;
        var all = new TestModels.Outputs(shape, 4);
        model.InitialInference(batch.Observations.AsSpan(0, 4 * shape.ObservationSize), 4, all.View());

        for (var i = 0; i < 4; i++)
        {
            var one = new TestModels.Outputs(shape, 1);
            model.InitialInference(batch.Observations.AsSpan(i * shape.ObservationSize, shape.ObservationSize), 1, one.View());
            Assert.Equal(all.Value[i], one.Value[0], 1e-5f);
            Assert.Equal(all.Latent.AsSpan(i * shape.LatentSize, shape.LatentSize).ToArray(), one.Latent, new ToleranceComparer(1e-5f));
        }
    }

    [Fact]
    public void Learning_rate_warms_up_then_decays_in_steps()
    {
        var config = TestModels.Vector() with
        {
            Optimizer = OptimizerConfig.Default with { LearningRate = 0.01, WarmupSteps = 4, LearningRateDecaySteps = 6, LearningRateDecayRate = 0.5 },
        };
        using var model = EfficientZeroModel.Create(config);
        var batch = TestModels.RandomBatch(model, 4, seed: 8);

        var rates = Enumerable.Range(0, 13).Select(_ => batch.Train(model).LearningRate).ToArray();

        double[] expected = [0.0025, 0.005, 0.0075, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.005, 0.005, 0.005, 0.0025];
        Assert.Equal(expected, rates, new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Priorities_are_the_distance_of_predicted_value_to_target()
    {
        using var model = EfficientZeroModel.Create(TestModels.Vector());
        var batch = TestModels.RandomBatch(model, 4, seed: 10);
        var priorities = new float[4];

        batch.Train(model, priorities);

        // A fresh model predicts value 0 at step 0, so the priority is |z_0| + 1e-6.
        var k = model.Unroll;
        for (var i = 0; i < 4; i++) Assert.Equal(Math.Abs(batch.TargetValues[i * (k + 1)]) + 1e-6, priorities[i], 1e-4);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<float>, IEqualityComparer<double>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;

        public int GetHashCode(double obj) => 0;
    }
}
