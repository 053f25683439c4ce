namespace DualWrite.MySql.Stores;

/// <summary>
/// Which table a <see cref="MySqlVersionedStore{TKey, TValue}"/> keeps its rows in and how keys and values map to its
/// columns. The table is the application's own: its key columns (a primary or unique key), its value columns, and a
/// BIGINT version column the store adds. Deletes leave their tombstones in a side table, <see cref="TombstoneTable"/>.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed class MySqlTableMapping<TKey, TValue>
    where TKey : notnull
{
    /// <summary>The version column's name unless one is given.</summary>
    public const string DefaultVersionColumn = MySqlVersioning.DefaultVersionColumn;

    /// <summary>What the tombstone table's name adds to the table's name.</summary>
    public const string TombstoneSuffix = MySqlVersioning.TombstoneSuffix;

    // MySQL and MariaDB limit table, column and trigger names to 64 characters.
    private const int MaxIdentifierLength = 64;

    /// <summary>Creates and validates a mapping.</summary>
    /// <param name="table">The application's table.</param>
    /// <param name="key">The key columns, in the order of the unique index the store guards by and scans in.</param>
    /// <param name="value">The value columns; may be empty for a table that is all key.</param>
    /// <param name="keyComparer">Orders keys as the server orders the key columns (their types and collations).</param>
    /// <param name="database">The table's database, or <see langword="null"/> for the connection's default database.</param>
    /// <param name="versionColumn">The BIGINT column that holds each row's version.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">A name is blank, too long or repeated, there is no key column, or a column is both key and value (or the version column).</exception>
    public MySqlTableMapping(
        string table,
        MySqlColumnMap<TKey> key,
        MySqlColumnMap<TValue> value,
        IComparer<TKey> keyComparer,
        string? database = null,
        string versionColumn = DefaultVersionColumn)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(keyComparer);
        // The tombstone table's name must fit the limit too.
        RequireIdentifier(table, "table", nameof(table), MaxIdentifierLength - TombstoneSuffix.Length);
        if (database is not null)
        {
            RequireIdentifier(database, "database", nameof(database), MaxIdentifierLength);
        }

        RequireIdentifier(versionColumn, "version column", nameof(versionColumn), MaxIdentifierLength);
        if (key.Columns.Count == 0)
        {
            throw new ArgumentException($"The mapping of table '{table}' needs at least one key column.", nameof(key));
        }

        // Column names are case-insensitive in MySQL, so `Id` and `id` are the same column.
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        AddColumns(seen, key.Columns, "key", table, nameof(key));
        AddColumns(seen, value.Columns, "value", table, nameof(value));
        if (seen.TryGetValue(versionColumn, out var role))
        {
            throw new ArgumentException($"Version column '{versionColumn}' of table '{table}' is also a {role} column.", nameof(versionColumn));
        }

        Table = table;
        Database = database;
        Key = key;
        Value = value;
        KeyComparer = keyComparer;
        VersionColumn = versionColumn;
    }

    /// <summary>The table's database, or <see langword="null"/> for the connection's default database.</summary>
    public string? Database { get; }

    /// <summary>The application's table.</summary>
    public string Table { get; }

    /// <summary>The side table holding tombstones: <see cref="Table"/> followed by <see cref="TombstoneSuffix"/>.</summary>
    public string TombstoneTable => Table + TombstoneSuffix;

    /// <summary>The key columns and their conversions.</summary>
    public MySqlColumnMap<TKey> Key { get; }

    /// <summary>The value columns and their conversions.</summary>
    public MySqlColumnMap<TValue> Value { get; }

    /// <summary>The key order, matching the server's order of the key columns.</summary>
    public IComparer<TKey> KeyComparer { get; }

    /// <summary>The BIGINT column holding each row's version.</summary>
    public string VersionColumn { get; }

    /// <summary>The table as messages name it: <c>database.table</c>, or the table alone when the database is the connection's.</summary>
    public override string ToString() => Database is null ? Table : Database + "." + Table;

    /// <summary>The key's column values, checked: one per key column and none of them NULL.</summary>
    internal object?[] KeyValues(TKey key) => Key.CheckedColumns(key, isKey: true, ToString(), nameof(key));

    /// <summary>The value's column values, checked to be one per value column.</summary>
    internal object?[] ValueValues(TValue value) => Value.CheckedColumns(value, isKey: false, ToString(), nameof(value));

    private static void AddColumns(Dictionary<string, string> seen, IReadOnlyList<string> columns, string role, string table, string parameter)
    {
        foreach (var column in columns)
        {
            RequireIdentifier(column, role + " column", parameter, MaxIdentifierLength);
            if (!seen.TryAdd(column, role))
            {
                throw new ArgumentException($"Column '{column}' of table '{table}' is mapped twice (as {seen[column]} and as {role}).", parameter);
            }
        }
    }

    private static void RequireIdentifier(string? name, string what, string parameter, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"The {what} name is blank.", parameter);
        }

        // The server rejects names that end in a space or hold NUL; catching them here names the culprit.
        if (name.Length > maxLength || name[^1] == ' ' || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The {what} name '{name}' is not usable: at most {maxLength} characters, no trailing space, no NUL.", parameter);
        }
    }
}
