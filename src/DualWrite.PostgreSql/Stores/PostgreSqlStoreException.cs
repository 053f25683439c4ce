namespace DualWrite.PostgreSql.Stores;

/// <summary>
/// A store or repair-log operation failed because its table is not set up for it (the table is missing or its shape
/// does not fit the mapping), or because a repair entry's id is taken by another entry. The message names the table
/// and says what to do; the server's error, if any, is the inner exception. Nothing was written when this is thrown.
/// </summary>
public sealed class PostgreSqlStoreException : Exception
{
    /// <summary>Creates an exception.</summary>
    public PostgreSqlStoreException(PostgreSqlStoreErrorKind kind, string table, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Table = table;
    }

    /// <summary>What went wrong.</summary>
    public PostgreSqlStoreErrorKind Kind { get; }

    /// <summary>The table concerned, as <c>schema.table</c> when the schema was named.</summary>
    public string Table { get; }
}
