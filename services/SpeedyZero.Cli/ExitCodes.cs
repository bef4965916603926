namespace SpeedyZero.Cli;

/// <summary>Process exit codes of the 'speedyzero' command; documented in docs/cli.md.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotAvailable = 3;
    public const int Interrupted = 130;
}
