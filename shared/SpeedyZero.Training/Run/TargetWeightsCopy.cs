using SpeedyZero.Engine;
using SpeedyZero.Training.Channels;
using SpeedyZero.Training.Roles;

namespace SpeedyZero.Training.Run;

/// <summary>
/// The target weights a checkpoint saves: the latest published ones, copied out of the channel into
/// one buffer that every checkpoint reuses (the learner's own weights when none were published yet).
/// </summary>
public sealed class TargetWeightsCopy
{
    private readonly IWeightsChannel channel;
    private readonly WeightsReader copy;
    private byte[]? buffer;

    public TargetWeightsCopy(IWeightsChannel channel)
    {
        this.channel = channel;
        copy = (_, weights) =>
        {
            if (buffer is null || buffer.Length != weights.Length) buffer = new byte[weights.Length];
            weights.CopyTo(buffer);
        };
    }

    /// <summary>The weights and their version; valid until the next call.</summary>
    public (byte[] Weights, long Version) Read(EfficientZeroModel learner, long learnerStep, CancellationToken cancellationToken) =>
        Blocking.Wait(channel.ReadNewerAsync(WeightsKind.Target, -1, copy, cancellationToken)) is { } version
            ? (buffer!, version)
            : (learner.ExportWeights(ref buffer), learnerStep);
}
