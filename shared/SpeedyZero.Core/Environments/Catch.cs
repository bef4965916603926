namespace SpeedyZero.Core.Environments;

/// <summary>
/// Catch: a ball falls one row per step from a random column of the top row; a paddle on the
/// bottom row moves left (0), stays (1) or moves right (2). When the ball reaches the bottom row
/// the episode terminates with +1 if the paddle is under it, else -1. Small, deterministic per
/// seed and always winnable, so it tells a working learner from a broken one in minutes.
/// Observation: grid (2, rows, columns): channel 0 the ball, channel 1 the paddle.
/// </summary>
public sealed class Catch : IEnvironment
{
    public const int DefaultRows = 5;
    public const int DefaultColumns = 5;

    private readonly Xoshiro256 random = new(0);
    private readonly int rows;
    private readonly int columns;
    private int ballRow, ballColumn, paddle;

    public Catch(int rows = DefaultRows, int columns = DefaultColumns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        this.rows = rows;
        this.columns = columns;
        Reset(0, stackalloc float[2 * rows * columns]);
    }

    public string Name => "catch";

    public ObservationShape ObservationShape => ObservationShape.Grid(2, rows, columns);

    public int ActionCount => 3;

    public int EpisodeStep { get; private set; }

    public bool IsEpisodeOver { get; private set; }

    public void Reset(ulong seed, Span<float> observation)
    {
        random.Seed(seed);
        Reset(observation);
    }

    public void Reset(Span<float> observation)
    {
        ballRow = 0;
        ballColumn = random.NextInt(columns);
        paddle = columns / 2;
        EpisodeStep = 0;
        IsEpisodeOver = false;
        Observe(observation);
    }

    public StepResult Step(int action, Span<float> observation)
    {
        if (IsEpisodeOver) throw new InvalidOperationException("catch: the episode is over; call Reset first");
        if ((uint)action > 2) throw new ArgumentOutOfRangeException(nameof(action), action, "catch actions are 0 (left), 1 (stay) and 2 (right)");

        paddle = Math.Clamp(paddle + action - 1, 0, columns - 1);
        ballRow++;
        EpisodeStep++;
        var reward = 0f;
        if (ballRow == rows - 1)
        {
            IsEpisodeOver = true;
            reward = paddle == ballColumn ? 1f : -1f;
        }

        Observe(observation);
        return new StepResult(reward, IsEpisodeOver ? EpisodeEnd.Terminated : EpisodeEnd.None);
    }

    public void Observe(Span<float> observation)
    {
        var plane = rows * columns;
        observation[..(2 * plane)].Clear();
        observation[ballRow * columns + ballColumn] = 1f;
        observation[plane + (rows - 1) * columns + paddle] = 1f;
    }

    public void GetLegalActions(Span<bool> legal) => legal[..3].Fill(true);
}
