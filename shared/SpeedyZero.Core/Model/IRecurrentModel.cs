namespace SpeedyZero.Core.Model;

/// <summary>
/// What search needs of a MuZero-style model: one batched call per step, buffers owned by the
/// caller. Implemented by the native engine, and by scripted models in tests and benchmarks.
/// Not thread-safe: one caller at a time.
/// </summary>
public interface IRecurrentModel
{
    /// <summary>Sizes of the buffers this model reads and writes.</summary>
    ModelShape Shape { get; }

    /// <summary>
    /// <c>h(o)</c> then <c>f(s)</c>: observations [batch, ObservationSize] to latent, value and policy.
    /// The LSTM state and value prefix outputs are set to zero (a fresh unroll).
    /// </summary>
    void InitialInference(ReadOnlySpan<float> observations, int batch, InferenceOutputs outputs);

    /// <summary>
    /// <c>g(s, a, lstm)</c> then <c>f(s')</c>: one dynamics step for every item of the batch.
    /// The caller resets the LSTM (passes zeros) where the value prefix restarts.
    /// </summary>
    void RecurrentInference(ReadOnlySpan<float> latent, ReadOnlySpan<float> lstmHidden, ReadOnlySpan<float> lstmCell,
        ReadOnlySpan<int> actions, int batch, InferenceOutputs outputs);
}
