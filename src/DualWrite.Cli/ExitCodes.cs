namespace DualWrite.Cli;

/// <summary>Process exit codes, stable for scripts and Kubernetes Jobs.</summary>
public static class ExitCodes
{
    /// <summary>Everything worked.</summary>
    public const int Success = 0;
    /// <summary>An unexpected failure.</summary>
    public const int Failure = 1;

    /// <summary>
    /// The comparison finished and differences persist (<c>reconcile</c>: keys missing, extra, differing or lagging after
    /// the re-check and any repair; <c>backfill run --compare</c>: rows differ). The same number as <see cref="Failure"/>,
    /// as <c>diff</c> and <c>cmp</c> exit with 1 when their inputs differ.
    /// </summary>
    public const int DifferencesFound = 1;
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

    /// <summary>A phase change was refused: a gate failed, or the move is not allowed from the current phase. Nothing was written.</summary>
    public const int TransitionRejected = 7;

    /// <summary>Another phase change committed while this one was being decided. Nothing was written; look again before retrying.</summary>
    public const int PhaseConflict = 8;

    /// <summary>The entity has no phase yet: run <c>dualwrite phase init</c> first.</summary>
    public const int PhaseNotInitialized = 9;

    /// <summary>The control table holds a value that is not a phase (edited by hand); the message names it.</summary>
    public const int InvalidPhaseState = 10;

    /// <summary>The migration plan is invalid: it does not parse, or it does not fit the source's schema. Every problem is printed as <c>file:line:col: subject: message</c>.</summary>
    public const int InvalidPlan = 11;

    /// <summary>The backfill stopped: a schema change its DDL policy refuses, a target table that does not match the plan, or a value the target cannot hold.</summary>
    public const int BackfillStopped = 12;

    /// <summary>
    /// An event of the source's binlog stream failed its checksum or could not be decoded: nothing of it was applied and the
    /// checkpoint stays before it. Run again (damage in flight reads clean the next time); if it persists, the binlog
    /// file itself is damaged and the table must be re-snapshotted.
    /// </summary>
    public const int BinlogCorrupt = 13;

    /// <summary><c>backfill status --wait</c>: the condition did not hold before the timeout.</summary>
    public const int WaitTimedOut = 14;

    /// <summary>
    /// Stopped by SIGTERM or SIGINT before the work was done (<c>backfill run</c> without <c>--follow</c>): the chunk in hand
    /// was rolled back and its range given back, everything committed is checkpointed, and the same command resumes.
    /// </summary>
    public const int Stopped = 15;
}
