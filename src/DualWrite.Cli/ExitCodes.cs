namespace DualWrite.Cli;

/// <summary>Process exit codes, stable for scripts and Kubernetes Jobs.</summary>
public static class ExitCodes
{
    /// <summary>Everything worked.</summary>
    public const int Success = 0;
    /// <summary>An unexpected failure.</summary>
    public const int Failure = 1;
    /// <summary>The command line or configuration is invalid.</summary>
    public const int InvalidArguments = 2;
    /// <summary>The server could not be reached or refused the credentials.</summary>
    public const int ConnectionFailed = 3;
    /// <summary>The server rejected a statement.</summary>
    public const int ServerError = 4;
    /// <summary>The source does not meet a requirement (for example binlog settings for CDC).</summary>
    public const int RequirementNotMet = 5;

    /// <summary>The binlog position to resume from was purged: the table must be re-snapshotted.</summary>
    public const int ResnapshotNeeded = 6;
}
