using SpeedyZero.Engine;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Training.Roles;

/// <summary>Keeps a role's model at the latest published weights of one kind.</summary>
public sealed class WeightsFollower(EfficientZeroModel model, IWeightsChannel channel, WeightsKind kind)
{
    /// <summary>Version loaded into the model (-1: none yet).</summary>
    public long Version { get; private set; } = -1;

    /// <summary>Loads newer weights if there are any; true when the model changed.</summary>
    public bool Refresh(CancellationToken cancellationToken)
    {
        var newer = Blocking.Wait(channel.GetNewerAsync(kind, Version, cancellationToken));
        if (newer is null)
        {
            return false;
        }

        model.ImportWeights(newer.Weights);
        Version = newer.Version;
        return true;
    }

    /// <summary>Waits until a first version exists (the learner publishes one at start).</summary>
    public void WaitForFirst(CancellationToken cancellationToken)
    {
        while (!Refresh(cancellationToken))
        {
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(5));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
