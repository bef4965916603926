namespace SpeedyZero.Core.Environments;

/// <summary>
/// Many instances of one environment stepped together into one observation batch. An instance
/// whose episode ends is reset at once (auto-reset); the finished episode's final observation,
/// return and length are reported in the step buffers. Instance i is seeded with
/// <see cref="Xoshiro256.DeriveSeed"/>(seed, i), so one seed fixes the whole batch.
/// </summary>
public sealed class VectorEnvironment
{
    private readonly IEnvironment[] instances;
    private readonly double[] runningReturns;

    /// <summary>Wraps existing instances (all of one kind).</summary>
    public VectorEnvironment(IReadOnlyList<IEnvironment> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        if (instances.Count == 0) throw new ArgumentException("needs at least one instance", nameof(instances));
        this.instances = [.. instances];
        var first = this.instances[0];
        foreach (var env in this.instances)
        {
            if (env.Name != first.Name || env.ObservationShape != first.ObservationShape || env.ActionCount != first.ActionCount)
            {
                throw new ArgumentException($"instances differ: {first.Name} and {env.Name}", nameof(instances));
            }
        }

        runningReturns = new double[this.instances.Length];
    }

    /// <summary><paramref name="count"/> new instances of the registered environment <paramref name="name"/>.</summary>
    public static VectorEnvironment Create(string name, int count, EnvironmentOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var list = new IEnvironment[count];
        for (var i = 0; i < count; i++) list[i] = EnvironmentRegistry.Create(name, options);
        return new VectorEnvironment(list);
    }

    public int Count => instances.Length;

    public string Name => instances[0].Name;

    public ObservationShape ObservationShape => instances[0].ObservationShape;

    public int ActionCount => instances[0].ActionCount;

    /// <summary>Instance <paramref name="index"/> (e.g. to read its legal actions).</summary>
    public IEnvironment this[int index] => instances[index];

    /// <summary>Buffers sized for this vector environment.</summary>
    public VectorStepBuffers CreateBuffers() => new(Count, ObservationShape.Size);

    /// <summary>Seeds every instance from <paramref name="seed"/> and starts new episodes; clears the step fields.</summary>
    public void Reset(ulong seed, VectorStepBuffers buffers)
    {
        Check(buffers);
        for (var i = 0; i < instances.Length; i++)
        {
            instances[i].Reset(Xoshiro256.DeriveSeed(seed, i), buffers.Observation(i));
            runningReturns[i] = 0;
        }

        Array.Clear(buffers.Rewards);
        Array.Clear(buffers.Ends);
    }

    /// <summary>Steps instance i with <paramref name="actions"/>[i]; resets instances whose episode ended.</summary>
    public void Step(ReadOnlySpan<int> actions, VectorStepBuffers buffers)
    {
        Check(buffers);
        if (actions.Length != instances.Length)
        {
            throw new ArgumentException($"{instances.Length} actions needed, got {actions.Length}", nameof(actions));
        }

        for (var i = 0; i < instances.Length; i++)
        {
            var env = instances[i];
            var observation = buffers.Observation(i);
            var result = env.Step(actions[i], observation);
            buffers.Rewards[i] = result.Reward;
            runningReturns[i] += result.Reward;
            if (!result.Done)
            {
                buffers.Ends[i] = EpisodeEnd.None;
                continue;
            }

            buffers.Ends[i] = result.End;
            buffers.EpisodeReturns[i] = runningReturns[i];
            buffers.EpisodeLengths[i] = env.EpisodeStep;
            observation.CopyTo(buffers.FinalObservation(i));
            runningReturns[i] = 0;
            env.Reset(observation);
        }
    }

    private void Check(VectorStepBuffers buffers)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        if (buffers.Count != instances.Length || buffers.ObservationSize != ObservationShape.Size)
        {
            throw new ArgumentException(
                $"buffers are [{buffers.Count}, {buffers.ObservationSize}], need [{instances.Length}, {ObservationShape.Size}]", nameof(buffers));
        }
    }
}
