namespace SpeedyZero.Training.Config;

/// <summary>The configuration is invalid; the message names the field and says what is wrong.</summary>
public sealed class ConfigException(string message, Exception? inner = null) : Exception(message, inner);
