namespace SpeedyZero.Messaging.JetStream;

/// <summary>
/// A continuous pull: <see cref="MaxMessages"/> credit, refilled when half of it is used;
/// each pull request lives <see cref="Expires"/>; the server sends idle heartbeats every
/// <see cref="IdleHeartbeat"/> and two missed ones trigger a fresh pull.
/// </summary>
public sealed record ConsumeOptions
{
    public int MaxMessages { get; init; } = 100;

    public TimeSpan Expires { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan IdleHeartbeat { get; init; } = TimeSpan.FromSeconds(5);
}
