using SpeedyZero.Core.Model;

namespace SpeedyZero.Core.Tests.Search;

/// <summary>
/// An exact model of a small deterministic game: the latent is the state id, the LSTM hidden
/// carries the reward summed since the last reset, so the value prefix is right only when the
/// search resets the LSTM where it should. Records the hidden inputs it was given.
/// </summary>
internal sealed class TabularGameModel : IRecurrentModel
{
    private readonly int[,] next;
    private readonly float[,] reward;
    private readonly float[] value;

    public TabularGameModel(int[,] next, float[,] reward, float[] value)
    {
        this.next = next;
        this.reward = reward;
        this.value = value;
        Shape = new ModelShape(1, 1, 1, next.GetLength(1));
    }

    public ModelShape Shape { get; }

    public int Calls { get; private set; }

    public int LastBatch { get; private set; }

    public void InitialInference(ReadOnlySpan<float> observations, int batch, InferenceOutputs outputs)
    {
        for (var b = 0; b < batch; b++)
        {
            var state = (int)observations[b];
            outputs.Latent[b] = state;
            outputs.LstmHidden[b] = 0;
            outputs.LstmCell[b] = 0;
            outputs.ValuePrefix[b] = 0;
            outputs.Value[b] = value[state];
            outputs.PolicyLogits.Slice(b * Shape.ActionCount, Shape.ActionCount).Clear();
        }
    }

    public void RecurrentInference(ReadOnlySpan<float> latent, ReadOnlySpan<float> lstmHidden, ReadOnlySpan<float> lstmCell,
        ReadOnlySpan<int> actions, int batch, InferenceOutputs outputs)
    {
        Calls++;
        LastBatch = batch;
        for (var b = 0; b < batch; b++)
        {
            var state = (int)latent[b];
            var a = actions[b];
            var prefix = lstmHidden[b] + reward[state, a];
            var s = next[state, a];
            outputs.Latent[b] = s;
            outputs.LstmHidden[b] = prefix;
            outputs.LstmCell[b] = lstmCell[b] + 1; // depth since reset, for checks
            outputs.ValuePrefix[b] = prefix;
            outputs.Value[b] = value[s];
            outputs.PolicyLogits.Slice(b * Shape.ActionCount, Shape.ActionCount).Clear();
        }
    }
}
