using SpeedyZero.Engine;
using SpeedyZero.Training.Channels;

namespace SpeedyZero.Training.Roles;

/// <summary>Keeps a role's model at the latest published weights of one kind.</summary>
public sealed class WeightsFollower
{
    private readonly IWeightsChannel channel;
    private readonly WeightsKind kind;
    private readonly WeightsReader import; // one delegate for the follower's life: a refresh allocates nothing

    public WeightsFollower(EfficientZeroModel model, IWeightsChannel channel, WeightsKind kind)
    {
        this.channel = channel;
        this.kind = kind;
        import = (_, weights) => model.ImportWeights(weights);
    }

    /// <summary>Version loaded into the model (-1: none yet).</summary>
    public long Version { get; private set; } = -1;

    /// <summary>Loads newer weights if there are any; true when the model changed.</summary>
    public bool Refresh(CancellationToken cancellationToken)
    {
        if (Blocking.Wait(channel.ReadNewerAsync(kind, Version, import, cancellationToken)) is not { } version)
        {
            return false;
        }

        Version = version;
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
