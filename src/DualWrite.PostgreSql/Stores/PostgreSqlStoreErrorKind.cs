namespace DualWrite.PostgreSql.Stores;

/// <summary>Why a <see cref="PostgreSqlStoreException"/> was thrown.</summary>
public enum PostgreSqlStoreErrorKind
{
    /// <summary>The table, its schema or its tombstone table does not exist.</summary>
    TableMissing,

    /// <summary>The table exists but does not fit the mapping: a missing column, no unique index on exactly the key columns, or a version column that is missing or not <c>bigint</c>.</summary>
    SchemaMismatch,

    /// <summary>A repair entry's id is already in the repair log for another entity, key, target or version; nothing was written.</summary>
    RepairEntryConflict,
}
