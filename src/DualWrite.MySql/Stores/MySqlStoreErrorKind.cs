namespace DualWrite.MySql.Stores;

/// <summary>Why a <see cref="MySqlStoreException"/> was thrown.</summary>
public enum MySqlStoreErrorKind
{
    /// <summary>The table (or its database) does not exist.</summary>
    TableMissing,

    /// <summary>The table exists but does not fit the mapping: a missing column, no unique index on the key columns, a version column that is not BIGINT, or a non-transactional engine.</summary>
    SchemaMismatch,

    /// <summary>A repair entry with the same id but different content is already in the log.</summary>
    RepairEntryConflict,

    /// <summary>Concurrent writers kept invalidating the guarded write (deadlocks or new rows) more often than the store retries.</summary>
    RetriesExhausted,
}
