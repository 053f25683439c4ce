namespace DualWrite.PostgreSql.Stores;

/// <summary>Turns the server errors that mean "this table is not set up" into a <see cref="PostgreSqlStoreException"/> naming the table.</summary>
internal static class StoreErrors
{
    public const string SetupHint = "Run PostgreSqlVersionedStore.EnsureSchemaAsync once to add the version column and the tombstone table.";

    /// <returns>The exception to throw instead, or null to rethrow <paramref name="error"/> as it is.</returns>
    public static PostgreSqlStoreException? Translate(PostgresException error, string table) =>
        Translate(error, table, $"Table '{table}' (or its tombstone table) does not exist", $"Table '{table}' lacks a column the mapping names", SetupHint);

    /// <summary>The same for any table DualWrite sets up, with what to say when it is missing or lacks a column, and how to set it up.</summary>
    /// <returns>The exception to throw instead, or null to rethrow <paramref name="error"/> as it is.</returns>
    public static PostgreSqlStoreException? Translate(PostgresException error, string table, string missing, string mismatch, string hint) => error.SqlState switch
    {
        PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName => new PostgreSqlStoreException(
            PostgreSqlStoreErrorKind.TableMissing, table, $"{missing}: {error.MessageText}. {hint}", error),
        PostgresErrorCodes.UndefinedColumn => new PostgreSqlStoreException(
            PostgreSqlStoreErrorKind.SchemaMismatch, table, $"{mismatch}: {error.MessageText}. {hint}", error),
        _ => null,
    };

    /// <summary>Errors after which the whole write can simply run again: nothing of it was committed.</summary>
    public static bool IsTransient(PostgresException error) =>
        error.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;
}
