namespace DualWrite.MySql.Stores;

/// <summary>The server error numbers the stores act on.</summary>
internal static class MySqlErrorNumbers
{
    /// <summary>ER_DUP_ENTRY: a unique key already holds the value.</summary>
    public const int DuplicateEntry = 1062;

    /// <summary>ER_LOCK_DEADLOCK: the transaction was chosen as a deadlock victim and rolled back.</summary>
    public const int Deadlock = 1213;

    /// <summary>ER_NO_SUCH_TABLE.</summary>
    public const int NoSuchTable = 1146;

    /// <summary>ER_BAD_DB_ERROR: unknown database.</summary>
    public const int UnknownDatabase = 1049;

    /// <summary>ER_BAD_FIELD_ERROR: unknown column.</summary>
    public const int UnknownColumn = 1054;

    /// <summary>ER_DUP_FIELDNAME: a column of that name already exists.</summary>
    public const int DuplicateColumn = 1060;
}
