namespace SpeedyZero.Cluster.Hosting;

/// <summary>Process exit codes of the 'speedyzero' command, its service roles included (docs/cli.md).</summary>
public static class ExitCodes
{
    /// <summary>Success: the command did its work, the run finished, or SIGTERM drained a role cleanly.</summary>
    public const int Success = 0;

    /// <summary>Failure (a server lost for good, a write failed, a bug); the message or the log says why.</summary>
    public const int Failure = 1;

    /// <summary>Bad usage: an unknown option, an invalid configuration (the message names the key), a run folder that does not fit.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted: Ctrl-C, or SIGTERM for <c>train</c> (after a checkpoint).</summary>
    public const int Interrupted = 130;
}
