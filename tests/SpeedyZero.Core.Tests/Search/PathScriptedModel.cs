using SpeedyZero.Core.Model;

namespace SpeedyZero.Core.Tests.Search;

/// <summary>
/// A model whose outputs are looked up by the path that led to a node: the latent is a path
/// code (root 0, child code = parent * actions + action + 1). Unscripted paths throw, so a test
/// notices any expansion it did not plan for.
/// </summary>
internal sealed class PathScriptedModel(int actions, Dictionary<int, (float ValuePrefix, float Value, float[] Logits)> script) : IRecurrentModel
{
    public ModelShape Shape { get; } = new(1, 1, 1, actions);

    public List<int> Expanded { get; } = [];

    public void InitialInference(ReadOnlySpan<float> observations, int batch, InferenceOutputs outputs) =>
        throw new NotSupportedException("roots are given directly");

    public void RecurrentInference(ReadOnlySpan<float> latent, ReadOnlySpan<float> lstmHidden, ReadOnlySpan<float> lstmCell,
        ReadOnlySpan<int> actionBatch, int batch, InferenceOutputs outputs)
    {
        for (var b = 0; b < batch; b++)
        {
            var code = (int)latent[b] * actions + actionBatch[b] + 1;
            Expanded.Add(code);
            if (!script.TryGetValue(code, out var entry)) throw new InvalidOperationException($"unscripted path {code}");
            outputs.Latent[b] = code;
            outputs.LstmHidden[b] = 0;
            outputs.LstmCell[b] = 0;
            outputs.ValuePrefix[b] = entry.ValuePrefix;
            outputs.Value[b] = entry.Value;
            entry.Logits.CopyTo(outputs.PolicyLogits.Slice(b * actions, actions));
        }
    }
}
