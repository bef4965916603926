namespace SpeedyZero.Engine;

/// <summary>The native engine failed; the message is the engine's own.</summary>
public class EngineException(string message) : Exception(message);

/// <summary>The native engine rejected an argument (a size, a shape, a value).</summary>
public sealed class EngineArgumentException(string message) : EngineException(message);
