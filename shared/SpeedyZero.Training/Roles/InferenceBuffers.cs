using SpeedyZero.Core.Model;

namespace SpeedyZero.Training.Roles;

/// <summary>Caller-owned output buffers for one model's batched inference, allocated once per role.</summary>
public sealed class InferenceBuffers
{
    public InferenceBuffers(ModelShape shape, int maxBatch)
    {
        MaxBatch = maxBatch;
        Latent = new float[maxBatch * shape.LatentSize];
        Hidden = new float[maxBatch * shape.LstmHiddenSize];
        Cell = new float[maxBatch * shape.LstmHiddenSize];
        ValuePrefix = new float[maxBatch];
        Value = new float[maxBatch];
        PolicyLogits = new float[maxBatch * shape.ActionCount];
        Shape = shape;
    }

    public ModelShape Shape { get; }

    public int MaxBatch { get; }

    public float[] Latent { get; }

    public float[] Hidden { get; }

    public float[] Cell { get; }

    public float[] ValuePrefix { get; }

    public float[] Value { get; }

    public float[] PolicyLogits { get; }

    /// <summary>Output views sized for <paramref name="batch"/> items.</summary>
    public InferenceOutputs For(int batch) => new(
        Latent.AsSpan(0, batch * Shape.LatentSize),
        Hidden.AsSpan(0, batch * Shape.LstmHiddenSize),
        Cell.AsSpan(0, batch * Shape.LstmHiddenSize),
        ValuePrefix.AsSpan(0, batch),
        Value.AsSpan(0, batch),
        PolicyLogits.AsSpan(0, batch * Shape.ActionCount));
}
