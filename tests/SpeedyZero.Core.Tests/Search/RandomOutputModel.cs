using SpeedyZero.Core.Model;

namespace SpeedyZero.Core.Tests.Search;

/// <summary>Outputs that depend only on the inputs (a hash), so runs can be compared; allocates nothing.</summary>
internal sealed class RandomOutputModel(ModelShape shape) : IRecurrentModel
{
    public ModelShape Shape { get; } = shape;

    public void InitialInference(ReadOnlySpan<float> observations, int batch, InferenceOutputs outputs) => throw new NotSupportedException();

    public void RecurrentInference(ReadOnlySpan<float> latent, ReadOnlySpan<float> lstmHidden, ReadOnlySpan<float> lstmCell,
        ReadOnlySpan<int> actions, int batch, InferenceOutputs outputs)
    {
        for (var b = 0; b < batch; b++)
        {
            var seed = (uint)(latent[b * Shape.LatentSize] * 7919) ^ (uint)(actions[b] * 104729) ^ (uint)(lstmHidden[b * Shape.LstmHiddenSize] * 31);
            var h = Hash(seed);
            for (var i = 0; i < Shape.LatentSize; i++) outputs.Latent[b * Shape.LatentSize + i] = (h % 1000) / 10f + i;
            for (var i = 0; i < Shape.LstmHiddenSize; i++)
            {
                outputs.LstmHidden[b * Shape.LstmHiddenSize + i] = (Hash(h + 1) % 100) / 100f;
                outputs.LstmCell[b * Shape.LstmHiddenSize + i] = 0;
            }

            outputs.ValuePrefix[b] = (Hash(h + 2) % 200) / 100f - 1f;
            outputs.Value[b] = (Hash(h + 3) % 200) / 100f - 1f;
            for (var a = 0; a < Shape.ActionCount; a++) outputs.PolicyLogits[b * Shape.ActionCount + a] = (Hash(h + 4 + (uint)a) % 300) / 100f;
        }
    }

    private static uint Hash(uint x)
    {
        x ^= x >> 16;
        x *= 0x7feb352d;
        x ^= x >> 15;
        x *= 0x846ca68b;
        return x ^ (x >> 16);
    }
}
