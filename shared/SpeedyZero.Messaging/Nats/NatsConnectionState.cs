namespace SpeedyZero.Messaging.Nats;

/// <summary>Where a connection stands; printed in timeout messages.</summary>
public enum NatsConnectionState
{
    Disconnected,
    Connecting,
    Connected,
    Reconnecting,
    Closed,
}
