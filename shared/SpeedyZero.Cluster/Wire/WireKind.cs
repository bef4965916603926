namespace SpeedyZero.Cluster.Wire;

/// <summary>Envelope kinds of the cluster's own messages (field 0), after the Messaging kinds 1-4.</summary>
public enum WireKind
{
    SampleRequest = 16,
    SampleReply = 17,
    StatusRequest = 18,
    StatusReply = 19,
    SweepRequest = 20,
    SweepReply = 21,
    ErrorReply = 22,
    UpdateReply = 23,
    Counter = 24,
}
