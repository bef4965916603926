namespace SpeedyZero.Training.Roles.Actor;

/// <summary>
/// The last F observations of each of N environments, laid out as the network's input
/// [N, F * obs], oldest first (as <c>Segment.ReadStack</c> reads them back).
/// </summary>
public sealed class FrameStacks(int environments, int frames, int observationSize)
{
    public float[] Stacked { get; } = new float[environments * frames * observationSize];

    public int StackSize => frames * observationSize;

    /// <summary>A new episode: every frame is its first observation.</summary>
    public void Reset(int environment, ReadOnlySpan<float> observation)
    {
        var stack = Stacked.AsSpan(environment * StackSize, StackSize);
        for (var f = 0; f < frames; f++)
        {
            observation.CopyTo(stack.Slice(f * observationSize, observationSize));
        }
    }

    /// <summary>Drops the oldest frame and appends <paramref name="observation"/>.</summary>
    public void Push(int environment, ReadOnlySpan<float> observation)
    {
        var stack = Stacked.AsSpan(environment * StackSize, StackSize);
        stack[observationSize..].CopyTo(stack);
        observation.CopyTo(stack[(StackSize - observationSize)..]);
    }
}
