namespace DualWrite.Core.Relational;

/// <summary>
/// The names of a versioned table in a SQL store, checked once against the dialect's identifier rules: where the table
/// lives, its key columns (in key order), its value columns, its version column and its tombstone table (the table's
/// name followed by <see cref="TombstoneSuffix"/>, which must fit the server's limit too).
/// </summary>
public sealed class TableDefinition
{
    /// <summary>The version column's name unless another is given.</summary>
    public const string DefaultVersionColumn = "_dw_version";

    /// <summary>Appended to the table's name for its tombstone table.</summary>
    public const string TombstoneSuffix = "__dw_tombstones";

    /// <summary>Checks the names and creates the definition.</summary>
    /// <param name="dialect">The server's identifier rules.</param>
    /// <param name="container">The table's database or schema, or <see langword="null"/> for the connection's default.</param>
    /// <param name="table">The table's name.</param>
    /// <param name="key">The key columns' names, in key order.</param>
    /// <param name="value">The value columns' names; may be empty for a table that is all key.</param>
    /// <param name="versionColumn">The <c>BIGINT</c> column holding each row's version.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">A name is blank, too long or repeated, there is no key column, or a column is both key and value (or the version column).</exception>
    public TableDefinition(SqlDialect dialect, string? container, string table, IReadOnlyList<string> key, IReadOnlyList<string> value, string versionColumn = DefaultVersionColumn)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        dialect.RequireIdentifier(table, "table", nameof(table), dialect.MaxIdentifierLength - dialect.IdentifierLength(TombstoneSuffix));
        if (container is not null)
        {
            dialect.RequireIdentifier(container, dialect.ContainerKind, nameof(container), dialect.MaxIdentifierLength);
        }

        dialect.RequireIdentifier(versionColumn, "version column", nameof(versionColumn), dialect.MaxIdentifierLength);
        if (key.Count == 0)
        {
            throw new ArgumentException($"The mapping of table '{table}' needs at least one key column.", nameof(key));
        }

        var seen = new Dictionary<string, string>(dialect.ColumnNameComparer);
        AddColumns(dialect, seen, key, "key", table, nameof(key));
        AddColumns(dialect, seen, value, "value", table, nameof(value));
        if (seen.TryGetValue(versionColumn, out var role))
        {
            throw new ArgumentException($"Version column '{versionColumn}' of table '{table}' is also a {role} column.", nameof(versionColumn));
        }

        Dialect = dialect;
        Container = container;
        Table = table;

        // Copies, so that later changes to the caller's lists cannot desynchronise the generated SQL.
        KeyColumns = [.. key];
        ValueColumns = [.. value];
        VersionColumn = versionColumn;
        KeyRange = new KeyRangeSql(dialect, KeyColumns);
    }

    /// <summary>The server's identifier rules.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>The table's database or schema, or <see langword="null"/> for the connection's default.</summary>
    public string? Container { get; }

    /// <summary>The table's name.</summary>
    public string Table { get; }

    /// <summary>The tombstone table's name: <see cref="Table"/> followed by <see cref="TombstoneSuffix"/>.</summary>
    public string TombstoneTable => Table + TombstoneSuffix;

    /// <summary>The key columns, in key order.</summary>
    public IReadOnlyList<string> KeyColumns { get; }

    /// <summary>The value columns.</summary>
    public IReadOnlyList<string> ValueColumns { get; }

    /// <summary>The version column.</summary>
    public string VersionColumn { get; }

    /// <summary>The conditions of key ranges over <see cref="KeyColumns"/>.</summary>
    public KeyRangeSql KeyRange { get; }

    /// <summary>The table, qualified and quoted.</summary>
    public string QuotedTable => Dialect.Qualify(Container, Table);

    /// <summary>The tombstone table, qualified and quoted (in the table's container).</summary>
    public string QuotedTombstoneTable => Dialect.Qualify(Container, TombstoneTable);

    /// <summary>The table as messages name it: <c>container.table</c>, or the table alone.</summary>
    public override string ToString() => Dialect.Display(Container, Table);

    private static void AddColumns(SqlDialect dialect, Dictionary<string, string> seen, IReadOnlyList<string> columns, string role, string table, string parameter)
    {
        foreach (var column in columns)
        {
            dialect.RequireIdentifier(column, role + " column", parameter, dialect.MaxIdentifierLength);
            if (!seen.TryAdd(column, role))
            {
                throw new ArgumentException($"Column '{column}' of table '{table}' is mapped twice (as {seen[column]} and as {role}).", parameter);
            }
        }
    }
}
