namespace SpeedyZero.Core.Environments;

/// <summary>
/// CartPole-v1: a pole hinged on a cart that is pushed left (action 0) or right (action 1) with
/// a fixed force. Classic Barto-Sutton-Anderson dynamics, explicit Euler with tau = 0.02 s, in
/// double precision. Reward 1 per step (the failing step included); terminates when
/// |x| > 2.4 or |theta| > 12 degrees; truncates after 500 steps. Observation: x, x', theta, theta'.
/// </summary>
public sealed class CartPole : IEnvironment
{
    public const double Gravity = 9.8;
    public const double MassCart = 1.0;
    public const double MassPole = 0.1;
    public const double TotalMass = MassCart + MassPole;
    /// <summary>Half the pole's length.</summary>
    public const double Length = 0.5;
    public const double PoleMassLength = MassPole * Length;
    public const double ForceMagnitude = 10.0;
    public const double Tau = 0.02;
    public const double XThreshold = 2.4;
    public const double ThetaThresholdRadians = 12 * 2 * Math.PI / 360;
    public const int DefaultMaxEpisodeSteps = 500;

    private readonly Xoshiro256 random = new(0);
    private readonly int maxEpisodeSteps;
    private double x, xDot, theta, thetaDot;

    public CartPole(EnvironmentOptions? options = null)
    {
        maxEpisodeSteps = (options ?? EnvironmentOptions.Default).Validate().MaxEpisodeSteps ?? DefaultMaxEpisodeSteps;
        // A fresh instance is playable before its first reset (seed 0), like every MinAtar game here.
        Reset(0, stackalloc float[4]);
    }

    public string Name => "cartpole";

    public ObservationShape ObservationShape => ObservationShape.Vector(4);

    public int ActionCount => 2;

    public int EpisodeStep { get; private set; }

    public bool IsEpisodeOver { get; private set; }

    /// <summary>The full-precision state (x, x', theta, theta').</summary>
    public (double X, double XDot, double Theta, double ThetaDot) State => (x, xDot, theta, thetaDot);

    public void Reset(ulong seed, Span<float> observation)
    {
        random.Seed(seed);
        Reset(observation);
    }

    public void Reset(Span<float> observation)
    {
        x = random.NextDouble(-0.05, 0.05);
        xDot = random.NextDouble(-0.05, 0.05);
        theta = random.NextDouble(-0.05, 0.05);
        thetaDot = random.NextDouble(-0.05, 0.05);
        EpisodeStep = 0;
        IsEpisodeOver = false;
        Observe(observation);
    }

    public StepResult Step(int action, Span<float> observation)
    {
        if (IsEpisodeOver) throw new InvalidOperationException("cartpole: the episode is over; call Reset first");
        if ((uint)action > 1) throw new ArgumentOutOfRangeException(nameof(action), action, "cartpole actions are 0 (left) and 1 (right)");

        var force = action == 1 ? ForceMagnitude : -ForceMagnitude;
        var cos = Math.Cos(theta);
        var sin = Math.Sin(theta);
        var temp = (force + PoleMassLength * thetaDot * thetaDot * sin) / TotalMass;
        var thetaAcc = (Gravity * sin - cos * temp) / (Length * (4.0 / 3.0 - MassPole * cos * cos / TotalMass));
        var xAcc = temp - PoleMassLength * thetaAcc * cos / TotalMass;

        // Explicit Euler: positions move with the old velocities.
        x += Tau * xDot;
        xDot += Tau * xAcc;
        theta += Tau * thetaDot;
        thetaDot += Tau * thetaAcc;
        EpisodeStep++;

        var terminated = x < -XThreshold || x > XThreshold || theta < -ThetaThresholdRadians || theta > ThetaThresholdRadians;
        var truncated = !terminated && EpisodeStep >= maxEpisodeSteps;
        IsEpisodeOver = terminated || truncated;
        Observe(observation);
        return new StepResult(1f, StepResult.EndOf(terminated, truncated));
    }

    public void Observe(Span<float> observation)
    {
        observation[3] = (float)thetaDot;
        observation[0] = (float)x;
        observation[1] = (float)xDot;
        observation[2] = (float)theta;
    }

    public void GetLegalActions(Span<bool> legal)
    {
        legal[0] = true;
        legal[1] = true;
    }

    /// <summary>Places the system in a given state (tests build positions by construction).</summary>
    internal void SetState(double newX, double newXDot, double newTheta, double newThetaDot)
    {
        (x, xDot, theta, thetaDot) = (newX, newXDot, newTheta, newThetaDot);
        EpisodeStep = 0;
        IsEpisodeOver = false;
    }
}
