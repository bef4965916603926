namespace SpeedyZero.Core.Search;

/// <summary>
/// The roots of one batched search: the initial-inference outputs for <see cref="Batch"/>
/// positions, row-major by root. Legal actions are optional and apply at the root only (the
/// model's imagined states allow every action).
/// </summary>
public readonly ref struct SearchRoots
{
    /// <param name="batch">Number of roots.</param>
    /// <param name="latent">[batch, LatentSize] root latent states.</param>
    /// <param name="value">[batch] predicted root values.</param>
    /// <param name="policyLogits">[batch, ActionCount] root policy logits.</param>
    /// <param name="legalActions">[batch, ActionCount] true where legal, or empty when all actions are legal.</param>
    public SearchRoots(int batch, ReadOnlySpan<float> latent, ReadOnlySpan<float> value, ReadOnlySpan<float> policyLogits,
        ReadOnlySpan<bool> legalActions = default)
    {
        Batch = batch;
        Latent = latent;
        Value = value;
        PolicyLogits = policyLogits;
        LegalActions = legalActions;
    }

    /// <summary>Number of roots.</summary>
    public int Batch { get; }

    /// <summary>[Batch, LatentSize] root latent states.</summary>
    public ReadOnlySpan<float> Latent { get; }

    /// <summary>[Batch] predicted root values.</summary>
    public ReadOnlySpan<float> Value { get; }

    /// <summary>[Batch, ActionCount] root policy logits.</summary>
    public ReadOnlySpan<float> PolicyLogits { get; }

    /// <summary>[Batch, ActionCount] legal-action mask, or empty for all legal.</summary>
    public ReadOnlySpan<bool> LegalActions { get; }
}
