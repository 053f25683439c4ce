namespace DualWrite.PostgreSql;

/// <summary>
/// The event ids of every log message DualWrite.PostgreSql writes, in one place so none is used twice.
/// DualWrite.PostgreSql owns 3000-3999.
/// </summary>
internal static class PostgreSqlEventIds
{
    // 3100-3119: the PostgreSQL store (PostgreSqlVersionedStore).

    /// <summary>The version column was added to a table.</summary>
    public const int VersionColumnAdded = 3100;

    /// <summary>A table's tombstone table was created.</summary>
    public const int TombstoneTableCreated = 3101;

    /// <summary>A write ran into a transient error and is retried.</summary>
    public const int WriteRetried = 3102;
}
