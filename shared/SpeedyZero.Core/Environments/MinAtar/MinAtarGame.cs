namespace SpeedyZero.Core.Environments.MinAtar;

/// <summary>
/// What the five MinAtar games share: a 10x10 grid of binary channels, the 6-action set or a
/// per-game minimal subset, sticky actions, a seeded generator, and the step/reset protocol.
/// A game implements <see cref="Act"/>, <see cref="ResetGame"/> and <see cref="Draw"/>.
/// </summary>
public abstract class MinAtarGame : IEnvironment
{
    /// <summary>Grid side.</summary>
    public const int GridSize = 10;

    /// <summary>Floats in one channel plane.</summary>
    protected const int PlaneSize = GridSize * GridSize;

    private readonly MinAtarAction[] actions;
    private readonly double stickyActionProbability;
    private readonly int? maxEpisodeSteps;
    private MinAtarAction lastAction;

    private readonly string[] channelNames;
    private readonly int observationSize;
    // One 10-bit mask per (channel, row); drawn each observation, then expanded to floats.
    private readonly int[] rowMasks;

    protected MinAtarGame(EnvironmentOptions? options, string[] channelNames, ReadOnlySpan<MinAtarAction> minimalActions)
    {
        this.channelNames = channelNames;
        observationSize = channelNames.Length * PlaneSize;
        rowMasks = new int[channelNames.Length * GridSize];
        ObservationShape = ObservationShape.Grid(channelNames.Length, GridSize, GridSize);
        options = (options ?? EnvironmentOptions.Default).Validate();
        stickyActionProbability = options.StickyActionProbability;
        Ramping = options.DifficultyRamping;
        maxEpisodeSteps = options.MaxEpisodeSteps;
        MinimalActions = minimalActions.ToArray();
        actions = options.MinimalActionSet
            ? MinimalActions.ToArray()
            : [MinAtarAction.Noop, MinAtarAction.Left, MinAtarAction.Up, MinAtarAction.Right, MinAtarAction.Down, MinAtarAction.Fire];
    }

    public abstract string Name { get; }

    /// <summary>Channel names in channel order.</summary>
    public IReadOnlyList<string> ChannelNames => channelNames;

    /// <summary>The game's minimal action set, as full-set actions.</summary>
    public IReadOnlyList<MinAtarAction> MinimalActions { get; }

    public ObservationShape ObservationShape { get; }

    public int ActionCount => actions.Length;

    public int EpisodeStep { get; private set; }

    public bool IsEpisodeOver { get; private set; }

    /// <summary>Level of the difficulty ramp (0 for games that do not ramp).</summary>
    public virtual int DifficultyLevel => 0;

    /// <summary>Whether difficulty ramping is on.</summary>
    protected bool Ramping { get; }

    /// <summary>The game's generator: sticky-action draws and game randomness share one stream, as in MinAtar.</summary>
    protected Xoshiro256 Random { get; } = new(0);

    /// <summary>Set by the game when the episode reaches a true end.</summary>
    protected bool Terminal { get; set; }

    /// <summary>The full-set action the agent's action index <paramref name="action"/> stands for.</summary>
    public MinAtarAction ActionOf(int action) => actions[action];

    public void Reset(ulong seed, Span<float> observation)
    {
        Random.Seed(seed);
        lastAction = MinAtarAction.Noop;
        Reset(observation);
    }

    public void Reset(Span<float> observation)
    {
        // The previous action survives a plain reset, as MinAtar keeps it across episodes.
        ResetGame();
        Terminal = false;
        EpisodeStep = 0;
        IsEpisodeOver = false;
        Observe(observation);
    }

    public StepResult Step(int action, Span<float> observation)
    {
        if (IsEpisodeOver) throw new InvalidOperationException($"{Name}: the episode is over; call Reset first");
        if ((uint)action >= (uint)actions.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, $"{Name} has {actions.Length} actions");
        }

        var chosen = actions[action];
        // MinAtar draws the sticky test on every step, even with probability 0, keeping the stream aligned.
        if (Random.NextDouble() < stickyActionProbability)
        {
            chosen = lastAction;
        }

        lastAction = chosen;
        var reward = Act(chosen);
        EpisodeStep++;
        var terminated = Terminal;
        var truncated = !terminated && EpisodeStep >= maxEpisodeSteps;
        IsEpisodeOver = terminated || truncated;
        Observe(observation);
        return new StepResult(reward, StepResult.EndOf(terminated, truncated));
    }

    public void Observe(Span<float> observation)
    {
        if (observation.Length < observationSize)
        {
            throw new ArgumentException($"{Name}: observation needs {observationSize} floats, got {observation.Length}", nameof(observation));
        }

        Array.Clear(rowMasks);
        Draw(rowMasks);
        BinaryRows.Expand(rowMasks, observation);
    }

    public void GetLegalActions(Span<bool> legal) => legal[..actions.Length].Fill(true);

    /// <summary>Advances the game by one frame under the full-set action <paramref name="action"/>; returns the reward.</summary>
    protected abstract int Act(MinAtarAction action);

    /// <summary>Puts the game in its start state (may draw from <see cref="Random"/>).</summary>
    protected abstract void ResetGame();

    /// <summary>Marks the occupied cells in cleared row masks, one mask per (channel, row): use <see cref="Set"/> and <see cref="SetRow"/>.</summary>
    protected abstract void Draw(Span<int> rows);

    /// <summary>Sets channel <paramref name="channel"/> at row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    protected static void Set(Span<int> rows, int channel, int y, int x) => rows[channel * GridSize + y] |= 1 << x;

    /// <summary>Sets channel <paramref name="channel"/> on row <paramref name="y"/> at every column whose bit is set in <paramref name="columns"/>.</summary>
    protected static void SetRow(Span<int> rows, int channel, int y, int columns) => rows[channel * GridSize + y] |= columns;

    /// <summary>Runs one frame with the full-set action directly, no sticky draw (rule tests).</summary>
    internal int ActForTest(MinAtarAction action)
    {
        var reward = Act(action);
        IsEpisodeOver = Terminal;
        return reward;
    }

    /// <summary>The full-set action applied on the last step, after the sticky draw (tests).</summary>
    internal MinAtarAction LastActionForTest => lastAction;

    /// <summary>Whether the game flagged termination (rule tests).</summary>
    internal bool TerminalForTest => Terminal;
}
