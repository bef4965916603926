namespace SpeedyZero.Messaging.Nats;

/// <summary>
/// What a subscription does when its bounded queue is full. The reader loop never waits for a
/// subscriber, so one of the messages has to go; every drop is counted.
/// </summary>
public enum SlowConsumerPolicy
{
    /// <summary>Keep the queued messages, drop the arriving one (order of kept messages intact).</summary>
    DropNewest,

    /// <summary>Drop the oldest queued message to make room (freshest data wins).</summary>
    DropOldest,
}
