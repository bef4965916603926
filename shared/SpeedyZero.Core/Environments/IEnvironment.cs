namespace SpeedyZero.Core.Environments;

/// <summary>
/// One environment instance. Observations are written into buffers the caller owns
/// (<see cref="ObservationShape.Size"/> floats), so stepping allocates nothing.
/// Not thread-safe: one instance belongs to one thread at a time.
/// </summary>
public interface IEnvironment
{
    /// <summary>Registry name, e.g. "cartpole" or "breakout".</summary>
    string Name { get; }

    /// <summary>Layout of one observation.</summary>
    ObservationShape ObservationShape { get; }

    /// <summary>Number of actions the agent chooses from; actions are 0..ActionCount-1.</summary>
    int ActionCount { get; }

    /// <summary>Steps taken in the current episode.</summary>
    int EpisodeStep { get; }

    /// <summary>True once the episode ended (terminated or truncated); <see cref="Step"/> then needs a reset first.</summary>
    bool IsEpisodeOver { get; }

    /// <summary>Reseeds the instance's generator and starts a new episode.</summary>
    void Reset(ulong seed, Span<float> observation);

    /// <summary>Starts a new episode, continuing the generator's stream (deterministic after a seeded reset).</summary>
    void Reset(Span<float> observation);

    /// <summary>Applies <paramref name="action"/> and writes the next observation.</summary>
    StepResult Step(int action, Span<float> observation);

    /// <summary>Writes the current observation without stepping.</summary>
    void Observe(Span<float> observation);

    /// <summary>Writes one flag per action: true where the action is legal now.</summary>
    void GetLegalActions(Span<bool> legal);
}
