namespace SpeedyZero.Cluster.Hosting;

/// <summary>Exit codes of the service hosts (the same as the CLI's, docs/cli.md).</summary>
public static class ServiceExitCodes
{
    /// <summary>The run finished, or SIGTERM drained the role cleanly.</summary>
    public const int Success = 0;

    /// <summary>The role failed (a server lost for good, a Redis write failed, a bug); the log says why.</summary>
    public const int Failure = 1;

    /// <summary>Invalid configuration; the message names the key.</summary>
    public const int InvalidConfig = 2;
}
