namespace SpeedyZero.Engine.Tests;

/// <summary>Tiny configs of each family (seconds to train on two cores) and fixed random batches.</summary>
internal static class TestModels
{
    public static readonly OptimizerConfig Adam = new()
    {
        Kind = OptimizerKind.Adam, LearningRate = 3e-3, WeightDecay = 0, WarmupSteps = 0, LearningRateDecaySteps = 0,
    };

    public static readonly ModelConfig SmallModel = new()
    {
        Channels = 8, Blocks = 1, Hidden = 32, Latent = 16, HeadChannels = 4, HeadHidden = 16, LstmHidden = 16,
        ValueSupport = 10, ValuePrefixSupport = 10, ProjectionHidden = 32, ProjectionOut = 32, PredictorHidden = 16,
    };

    private static ModelSpec Small(ModelSpec spec) => spec with
    {
        Model = SmallModel, Unroll = 3, LstmHorizon = 3, Optimizer = Adam, Seed = 7,
    };

    public static ModelSpec Vector() => Small(ModelSpec.Vector(4, 2));

    public static ModelSpec Grid() => Small(ModelSpec.Grid(3, 5, 5, 3));

    public static ModelSpec Image() => Small(ModelSpec.Image(3, 16, 16, 4));

    /// <summary><paramref name="spec"/> with its model config changed by <paramref name="change"/>.</summary>
    public static ModelSpec With(this ModelSpec spec, Func<ModelConfig, ModelConfig> change) => spec with { Model = change(spec.Model) };

    public static ModelSpec Family(string name) => name switch
    {
        "vector" => Vector(),
        "grid" => Grid(),
        "image" => Image(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown family"),
    };

    /// <summary>Random inputs and targets for one training batch; the last sample ends one step early.</summary>
    public static TrainBatch RandomBatch(EfficientZeroModel model, int size, int seed)
    {
        var random = new Random(seed);
        var k = model.Unroll;
        var shape = model.Shape;
        var batch = new TrainBatch(size, k, shape.ObservationSize, shape.ActionCount);
        Fill(random, batch.Observations, 0, 1);
        for (var i = 0; i < batch.Actions.Length; i++) batch.Actions[i] = random.Next(shape.ActionCount);
        Array.Fill(batch.Masks, 1f);
        batch.Masks[^1] = 0;
        Fill(random, batch.TargetValuePrefixes, -3, 3);
        Fill(random, batch.TargetValues, -5, 5);
        for (var row = 0; row < size * (k + 1); row++)
        {
            var span = batch.TargetPolicies.AsSpan(row * shape.ActionCount, shape.ActionCount);
            for (var a = 0; a < span.Length; a++) span[a] = (float)Math.Pow(random.NextDouble(), 3);
            var sum = 0f;
            foreach (var p in span) sum += p;
            for (var a = 0; a < span.Length; a++) span[a] /= sum;
        }

        Fill(random, batch.Weights, 0.5f, 1);
        return batch;
    }

    /// <summary>One train step on <paramref name="batch"/>, priorities into a fresh array unless given.</summary>
    public static TrainResult Train(this TrainBatch batch, EfficientZeroModel model, float[]? priorities = null) =>
        model.TrainStep(batch, priorities ?? new float[batch.BatchSize]);

    private static void Fill(Random random, float[] values, float low, float high)
    {
        for (var i = 0; i < values.Length; i++) values[i] = low + ((high - low) * (float)random.NextDouble());
    }

    /// <summary>Caller-owned inference buffers for one batch.</summary>
    public sealed class Outputs(Core.Model.ModelShape shape, int batch)
    {
        public float[] Latent { get; } = new float[batch * shape.LatentSize];
        public float[] Hidden { get; } = new float[batch * shape.LstmHiddenSize];
        public float[] Cell { get; } = new float[batch * shape.LstmHiddenSize];
        public float[] ValuePrefix { get; } = new float[batch];
        public float[] Value { get; } = new float[batch];
        public float[] Policy { get; } = new float[batch * shape.ActionCount];

        public Core.Model.InferenceOutputs View() => new(Latent, Hidden, Cell, ValuePrefix, Value, Policy);

        public float[] All() => [.. Latent, .. Hidden, .. Cell, .. ValuePrefix, .. Value, .. Policy];
    }

    /// <summary>Initial inference on seeded observations, then two recurrent steps from it: every output of the three calls.</summary>
    public static float[] RunInference(EfficientZeroModel model, int batchSize, int seed)
    {
        var shape = model.Shape;
        var random = new Random(seed);
        var observations = Enumerable.Range(0, batchSize * shape.ObservationSize).Select(_ => (float)random.NextDouble()).ToArray();
        var actions = Enumerable.Range(0, batchSize).Select(_ => random.Next(shape.ActionCount)).ToArray();
        var initial = new Outputs(shape, batchSize);
        model.InitialInference(observations, batchSize, initial.View());
        var first = new Outputs(shape, batchSize);
        model.RecurrentInference(initial.Latent, initial.Hidden, initial.Cell, actions, batchSize, first.View());
        var second = new Outputs(shape, batchSize);
        model.RecurrentInference(first.Latent, first.Hidden, first.Cell, actions, batchSize, second.View());
        return [.. initial.All(), .. first.All(), .. second.All()];
    }
}
