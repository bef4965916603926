namespace SpeedyZero.Core.Model;

/// <summary>
/// Caller-owned buffers a model writes one batch of results into. Every span holds exactly
/// <c>batch x size</c> floats, row-major by batch item. Scalars (value, value prefix) are
/// already decoded from their categorical support (expectation, then the inverse h-transform).
/// </summary>
public readonly ref struct InferenceOutputs
{
    public InferenceOutputs(Span<float> latent, Span<float> lstmHidden, Span<float> lstmCell,
        Span<float> valuePrefix, Span<float> value, Span<float> policyLogits)
    {
        Latent = latent;
        LstmHidden = lstmHidden;
        LstmCell = lstmCell;
        ValuePrefix = valuePrefix;
        Value = value;
        PolicyLogits = policyLogits;
    }

    /// <summary>[batch, LatentSize] next (or initial) latent state.</summary>
    public Span<float> Latent { get; }

    /// <summary>[batch, LstmHiddenSize] value-prefix LSTM hidden state after this step (zero after initial inference).</summary>
    public Span<float> LstmHidden { get; }

    /// <summary>[batch, LstmHiddenSize] value-prefix LSTM cell state after this step (zero after initial inference).</summary>
    public Span<float> LstmCell { get; }

    /// <summary>[batch] predicted value prefix (zero after initial inference).</summary>
    public Span<float> ValuePrefix { get; }

    /// <summary>[batch] predicted value.</summary>
    public Span<float> Value { get; }

    /// <summary>[batch, ActionCount] policy logits (not normalised).</summary>
    public Span<float> PolicyLogits { get; }
}
