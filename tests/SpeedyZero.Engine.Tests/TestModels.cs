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
    public sealed class Batch
    {
        public Batch(EfficientZeroModel model, int size, int seed)
        {
            var random = new Random(seed);
            var k = model.Unroll;
            var shape = model.Shape;
            Size = size;
            Observations = Floats(random, size * (k + 1) * shape.ObservationSize, 0, 1);
            Actions = Enumerable.Range(0, size * k).Select(_ => random.Next(shape.ActionCount)).ToArray();
            Masks = Enumerable.Repeat(1f, size * (k + 1)).ToArray();
            Masks[(size * (k + 1)) - 1] = 0;
            TargetValuePrefix = Floats(random, size * k, -3, 3);
            TargetValue = Floats(random, size * (k + 1), -5, 5);
            TargetPolicy = new float[size * (k + 1) * shape.ActionCount];
            for (var row = 0; row < size * (k + 1); row++)
            {
                var span = TargetPolicy.AsSpan(row * shape.ActionCount, shape.ActionCount);
                for (var a = 0; a < span.Length; a++) span[a] = (float)Math.Pow(random.NextDouble(), 3);
                var sum = 0f;
                foreach (var p in span) sum += p;
                for (var a = 0; a < span.Length; a++) span[a] /= sum;
            }

            Weights = Floats(random, size, 0.5f, 1);
        }

        public int Size { get; }
        public float[] Observations { get; }
        public int[] Actions { get; }
        public float[] Masks { get; }
        public float[] TargetValuePrefix { get; }
        public float[] TargetValue { get; }
        public float[] TargetPolicy { get; }
        public float[] Weights { get; }

        public TrainBatch View() => new()
        {
            BatchSize = Size, Observations = Observations, Actions = Actions, Masks = Masks,
            TargetValuePrefix = TargetValuePrefix, TargetValue = TargetValue, TargetPolicy = TargetPolicy, Weights = Weights,
        };

        public TrainResult Train(EfficientZeroModel model, float[]? priorities = null) =>
            model.TrainStep(View(), priorities ?? new float[Size]);

        private static float[] Floats(Random random, int count, float low, float high) =>
            Enumerable.Range(0, count).Select(_ => low + ((high - low) * (float)random.NextDouble())).ToArray();
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
}
