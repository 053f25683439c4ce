namespace DualWrite.PostgreSql.Stores;

/// <summary>Turns the server errors that mean "this table is not set up" into a <see cref="PostgreSqlStoreException"/> naming the table.</summary>
internal static class StoreErrors
{
    public const string SetupHint = "Run PostgreSqlVersionedStore.EnsureSchemaAsync once to add the version column and the tombstone table.";

    /// <returns>The exception to throw instead, or null to rethrow <paramref name="error"/> as it is.</returns>
    public static PostgreSqlStoreException? Translate(PostgresException error, string table) => error.SqlState switch
    {
        PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName => new PostgreSqlStoreException(
            PostgreSqlStoreErrorKind.TableMissing, table, $"Table '{table}' (or its tombstone table) does not exist: {error.MessageText}. {SetupHint}", error),
        PostgresErrorCodes.UndefinedColumn => new PostgreSqlStoreException(
            PostgreSqlStoreErrorKind.SchemaMismatch, table, $"Table '{table}' lacks a column the mapping names: {error.MessageText}. {SetupHint}", error),
        _ => null,
    };

    /// <summary>Errors after which the whole write can simply run again: nothing of it was committed.</summary>
    public static bool IsTransient(PostgresException error) =>
        error.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;
}
