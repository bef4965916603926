namespace SpeedyZero.Core.Model;

/// <summary>Sizes of the buffers exchanged with a model, per batch item.</summary>
/// <param name="ObservationSize">Floats in one (stacked) observation.</param>
/// <param name="LatentSize">Floats in one latent state.</param>
/// <param name="LstmHiddenSize">Floats in one LSTM hidden vector (the cell vector has the same size).</param>
/// <param name="ActionCount">Number of actions; policy logits per item.</param>
public sealed record ModelShape(int ObservationSize, int LatentSize, int LstmHiddenSize, int ActionCount)
{
    /// <summary>Throws naming the first size that is not positive.</summary>
    public ModelShape Validate()
    {
        if (ObservationSize <= 0) throw new ArgumentOutOfRangeException(nameof(ObservationSize), ObservationSize, "must be positive");
        if (LatentSize <= 0) throw new ArgumentOutOfRangeException(nameof(LatentSize), LatentSize, "must be positive");
        if (LstmHiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(LstmHiddenSize), LstmHiddenSize, "must be positive");
        if (ActionCount <= 0) throw new ArgumentOutOfRangeException(nameof(ActionCount), ActionCount, "must be positive");
        return this;
    }
}
