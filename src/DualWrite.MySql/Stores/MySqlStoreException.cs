namespace DualWrite.MySql.Stores;

/// <summary>
/// A store or repair-log operation failed for a reason that concerns one table: it is missing, its shape does not fit
/// the mapping, or its content conflicts with the write. The message names the table; the server's error, if any, is
/// the inner exception. Nothing was written when this is thrown.
/// </summary>
public sealed class MySqlStoreException : Exception
{
    /// <summary>Creates an exception.</summary>
    public MySqlStoreException(MySqlStoreErrorKind kind, string table, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Table = table;
    }

    /// <summary>What went wrong.</summary>
    public MySqlStoreErrorKind Kind { get; }

    /// <summary>The table concerned, as <c>database.table</c> when the database was named.</summary>
    public string Table { get; }
}
