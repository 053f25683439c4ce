namespace DualWrite.Migration.Engine;

/// <summary>Why a backfill stopped.</summary>
public enum BackfillError
{
    /// <summary>A tracked table's definition changed and the plan's DDL policy does not allow going on.</summary>
    SchemaChanged,

    /// <summary>The binlog at the checkpoint was purged: a re-snapshot is needed.</summary>
    BinlogPurged,

    /// <summary>The target holds a table or checkpoint that does not match the plan.</summary>
    TargetMismatch,

    /// <summary>A source value cannot be written to its target column.</summary>
    BadValue,

    /// <summary>
    /// Another worker holds the plan's catch-up: it took over from this one (whose session it thought gone), or, for a
    /// run that is not a <c>--worker</c>, it was already applying when this one started.
    /// </summary>
    LeadershipLost,
}

/// <summary>A backfill could not go on; the message says what to do.</summary>
public sealed class BackfillException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackfillException(BackfillError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>Creates the exception.</summary>
    public BackfillException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackfillException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackfillException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why it stopped.</summary>
    public BackfillError Error { get; }
}
