using DualWrite.PostgreSql.Tables;

namespace DualWrite.PostgreSql.Stores;

/// <summary>
/// Which table a <see cref="PostgreSqlVersionedStore{TKey, TValue}"/> keeps its rows in and how keys and values map
/// to its columns: key columns (a primary key or unique index), value columns, and a <c>bigint</c> version column.
/// Deletes leave their tombstones in a side table, <see cref="TombstoneTable"/>, in the same schema.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed class PostgreSqlTableMapping<TKey, TValue>
    where TKey : notnull
{
    /// <summary>The version column's name unless one is given.</summary>
    public const string DefaultVersionColumn = VersionedTable.DefaultVersionColumn;

    /// <summary>What the tombstone table's name adds to the table's name.</summary>
    public const string TombstoneSuffix = VersionedTable.TombstoneSuffix;

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
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(keyComparer);

        // The versioned table checks every name once, for the store and the backfill alike.
        Versioned = new VersionedTable(schema, table, [.. key.Columns.Concat(value.Columns).Select(c => new VersionedColumn(c))], [.. Enumerable.Range(0, key.Columns.Count)], versionColumn);
        Table = table;
        Schema = schema;
        Key = key;
        Value = value;
        KeyComparer = keyComparer;
        VersionColumn = versionColumn;
    }

    /// <summary>The table's schema, or <see langword="null"/> when the search path finds the table.</summary>
    public string? Schema { get; }

    /// <summary>The table.</summary>
    public string Table { get; }

    /// <summary>The table as every writer writes it.</summary>
    internal VersionedTable Versioned { get; }

    /// <summary>The side table holding tombstones: <see cref="Table"/> followed by <see cref="TombstoneSuffix"/>.</summary>
    public string TombstoneTable => Table + TombstoneSuffix;

    /// <summary>The key columns and their conversions.</summary>
    public PostgreSqlColumnMap<TKey> Key { get; }

    /// <summary>The value columns and their conversions.</summary>
    public PostgreSqlColumnMap<TValue> Value { get; }

    /// <summary>The key order, matching the server's order of the key columns.</summary>
    public IComparer<TKey> KeyComparer { get; }

    /// <summary>The <c>bigint</c> column holding each row's version.</summary>
    public string VersionColumn { get; }

    /// <summary>The table as messages name it: <c>schema.table</c>, or the table alone when the search path finds it.</summary>
    public override string ToString() => PgNames.Display(Schema, Table);

    /// <summary>The key's column values, checked: one per key column and none of them NULL.</summary>
    internal object?[] KeyValues(TKey key) => Key.CheckedColumns(key, isKey: true, ToString(), nameof(key));

    /// <summary>The value's column values, checked to be one per value column.</summary>
    internal object?[] ValueValues(TValue value) => Value.CheckedColumns(value, isKey: false, ToString(), nameof(value));
}
