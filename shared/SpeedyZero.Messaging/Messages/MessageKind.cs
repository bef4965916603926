namespace SpeedyZero.Messaging.Messages;

/// <summary>Envelope kinds (field 0 of every envelope); part of the wire format.</summary>
public enum MessageKind
{
    Segment = 1,
    TrainingBatch = 2,
    PriorityUpdate = 3,
    WeightsAnnouncement = 4,
}
