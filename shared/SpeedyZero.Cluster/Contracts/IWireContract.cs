namespace SpeedyZero.Cluster.Contracts;

/// <summary>A message that crosses a process boundary: versioned, and able to check its own rules.</summary>
public interface IWireContract
{
    /// <summary>Schema version the message was written with; this build writes and reads <see cref="Wire.Version"/>.</summary>
    int Version { get; }

    /// <summary>Checks the contract's rules; throws <see cref="FormatException"/> naming the first one broken.</summary>
    void Validate();
}
