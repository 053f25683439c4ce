namespace DualWrite.MySql.Schema;

/// <summary>
/// A table as <c>information_schema</c> describes it (<see cref="MySqlSchemaReader"/>): its columns in table order,
/// its primary and unique indexes, its triggers, and the server's estimates.
/// </summary>
/// <param name="Database">The database the table is in.</param>
/// <param name="Name">The table name.</param>
/// <param name="TableType"><c>TABLE_TYPE</c>: <c>BASE TABLE</c>, <c>VIEW</c>, MariaDB's <c>SYSTEM VERSIONED</c> or <c>SEQUENCE</c>, ...</param>
/// <param name="Engine">The storage engine; null for a view.</param>
/// <param name="Columns">The columns, by <see cref="MySqlColumn.Ordinal"/>.</param>
/// <param name="UniqueIndexes">The primary key and the unique indexes.</param>
/// <param name="Triggers">The table's triggers by name, with their bodies (<c>ACTION_STATEMENT</c>).</param>
/// <param name="EstimatedRows">The server's row estimate (<c>TABLE_ROWS</c>; 0 when it has none).</param>
/// <param name="EstimatedBytes">Data and index size (<c>DATA_LENGTH + INDEX_LENGTH</c>), when the engine reports it.</param>
public sealed record MySqlTable(
    string Database,
    string Name,
    string TableType,
    string? Engine,
    IReadOnlyList<MySqlColumn> Columns,
    IReadOnlyList<MySqlUniqueIndex> UniqueIndexes,
    IReadOnlyDictionary<string, string> Triggers,
    long EstimatedRows,
    long? EstimatedBytes)
{
    /// <summary>Whether the table is a plain base table (not a view, a sequence or a system-versioned table).</summary>
    public bool IsBaseTable => TableType == "BASE TABLE";

    /// <summary>The primary key's columns in key order; empty when the table has none.</summary>
    public IReadOnlyList<string> PrimaryKey => UniqueIndexes.FirstOrDefault(i => i.IsPrimary)?.Columns ?? [];

    /// <summary>The column named <paramref name="name"/> (case-insensitive, as MySQL column names are), or null.</summary>
    public MySqlColumn? Find(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a primary or unique index covers exactly <paramref name="columns"/>, whole (no prefix), in that order.</summary>
    public bool HasUniqueIndexOn(IReadOnlyList<string> columns) =>
        UniqueIndexes.Any(index => !index.HasPrefix && index.Columns.SequenceEqual(columns, StringComparer.OrdinalIgnoreCase));

    /// <inheritdoc />
    public override string ToString() => $"{Database}.{Name}";
}
