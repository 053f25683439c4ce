using DualWrite.Core.Relational;
using DualWrite.PostgreSql.Tables;

namespace DualWrite.PostgreSql.Stores;

/// <summary>
/// Which table a <see cref="PostgreSqlVersionedStore{TKey, TValue}"/> keeps its rows in and how keys and values map
/// to its columns: key columns (a primary key or unique index), value columns, and a <c>bigint</c> version column.
/// Deletes leave their tombstones in a side table, <see cref="TableMapping{TKey, TValue, TReader}.TombstoneTable"/>,
/// in the same schema. Names follow <see cref="PostgreSqlDialect"/>'s rules.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed class PostgreSqlTableMapping<TKey, TValue> : TableMapping<TKey, TValue, NpgsqlDataReader>
    where TKey : notnull
{
    /// <summary>The version column's name unless one is given.</summary>
    public const string DefaultVersionColumn = TableDefinition.DefaultVersionColumn;

    /// <summary>What the tombstone table's name adds to the table's name.</summary>
    public const string TombstoneSuffix = TableDefinition.TombstoneSuffix;

    /// <summary>Creates and validates a mapping.</summary>
    /// <param name="table">The table, spelled as the server stores it (names are quoted, so case matters).</param>
    /// <param name="key">The key columns, in the order of the table's key: scans run in this order.</param>
    /// <param name="value">The value columns; may be empty for a table that is all key.</param>
    /// <param name="keyComparer">
    /// Orders keys as the server orders the key columns, column by column in mapping order (for text, under the
    /// column's collation: <c>COLLATE "C"</c> orders by UTF-8 bytes).
    /// </param>
    /// <param name="schema">The table's schema, or <see langword="null"/> to find the table through the search path.</param>
    /// <param name="versionColumn">The <c>bigint</c> column that holds each row's version.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">A name is blank, too long or repeated, there is no key column, or a column is both key and value (or the version column).</exception>
    public PostgreSqlTableMapping(
        string table,
        PostgreSqlColumnMap<TKey> key,
        PostgreSqlColumnMap<TValue> value,
        IComparer<TKey> keyComparer,
        string? schema = null,
        string versionColumn = DefaultVersionColumn)
        : base(PostgreSqlDialect.Instance, table, key, value, keyComparer, schema, versionColumn)
    {
        Key = key;
        Value = value;
        Versioned = new VersionedTable(Definition);
    }

    /// <summary>The key columns and their conversions.</summary>
    public PostgreSqlColumnMap<TKey> Key { get; }

    /// <summary>The value columns and their conversions.</summary>
    public PostgreSqlColumnMap<TValue> Value { get; }

    /// <summary>The table's schema, or <see langword="null"/> when the search path finds the table.</summary>
    public string? Schema => Definition.Container;

    /// <summary>The table as every writer writes it.</summary>
    internal VersionedTable Versioned { get; }
}
