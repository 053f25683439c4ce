using System.Data.Common;
using DualWrite.Core.Stores;

namespace DualWrite.Core.Relational;

/// <summary>
/// Which table a SQL store adapter keeps its rows in and how keys and values map to its columns: the table's names
/// (<see cref="Definition"/>, checked against the dialect's rules), the key and value column maps, and the key order.
/// Deletes leave their tombstones in a side table, <see cref="TombstoneTable"/>, next to the table. An adapter's
/// mapping exposes the column maps as its own map types.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
/// <typeparam name="TReader">The adapter's data reader.</typeparam>
public abstract class TableMapping<TKey, TValue, TReader>
    where TKey : notnull
    where TReader : DbDataReader
{
    private readonly ColumnMap<TKey, TReader> _key;
    private readonly ColumnMap<TValue, TReader> _value;

    /// <summary>Creates and validates a mapping.</summary>
    /// <param name="dialect">The server's identifier rules.</param>
    /// <param name="table">The table.</param>
    /// <param name="key">The key columns, in the order of the table's key: scans run in this order.</param>
    /// <param name="value">The value columns; may be empty for a table that is all key.</param>
    /// <param name="keyComparer">Orders keys as the server orders the key columns, column by column in mapping order.</param>
    /// <param name="container">The table's database or schema, or <see langword="null"/> for the connection's default.</param>
    /// <param name="versionColumn">The <c>BIGINT</c> column that holds each row's version.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">A name is blank, too long or repeated, there is no key column, or a column is both key and value (or the version column).</exception>
    protected TableMapping(
        SqlDialect dialect,
        string table,
        ColumnMap<TKey, TReader> key,
        ColumnMap<TValue, TReader> value,
        IComparer<TKey> keyComparer,
        string? container,
        string versionColumn)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(keyComparer);
        Definition = new TableDefinition(dialect, container, table, key.Columns, value.Columns, versionColumn);
        _key = key;
        _value = value;
        KeyComparer = keyComparer;
    }

    /// <summary>The table's names, checked.</summary>
    public TableDefinition Definition { get; }

    /// <summary>The table.</summary>
    public string Table => Definition.Table;

    /// <summary>The side table holding tombstones: <see cref="Table"/> followed by <see cref="TableDefinition.TombstoneSuffix"/>.</summary>
    public string TombstoneTable => Definition.TombstoneTable;

    /// <summary>The key order, matching the server's order of the key columns.</summary>
    public IComparer<TKey> KeyComparer { get; }

    /// <summary>The <c>BIGINT</c> column holding each row's version.</summary>
    public string VersionColumn => Definition.VersionColumn;

    /// <summary>The table as messages name it: <c>container.table</c>, or the table alone.</summary>
    public override string ToString() => Definition.ToString();

    /// <summary>The key's column values, checked: one per key column and none of them NULL.</summary>
    /// <exception cref="ArgumentException">The key mapping returned no values, the wrong number, or a NULL.</exception>
    public object?[] KeyValues(TKey key) => _key.CheckedColumns(key, isKey: true, ToString(), nameof(key));

    /// <summary>The value's column values, checked to be one per value column.</summary>
    /// <exception cref="ArgumentException">The value mapping returned no values or the wrong number.</exception>
    public object?[] ValueValues(TValue value) => _value.CheckedColumns(value, isKey: false, ToString(), nameof(value));

    /// <summary>
    /// The record in the current row of a record select, whose columns are: the key columns, the version, the tombstone
    /// flag (a boolean, or an integer where 1 is true), then the value columns (ignored for a tombstone).
    /// </summary>
    public VersionedRecord<TKey, TValue> ReadRecord(TReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var key = _key.Read(reader, 0);
        var versionOrdinal = Definition.KeyColumns.Count;
        var version = reader.GetInt64(versionOrdinal);
        return reader.GetBoolean(versionOrdinal + 1)
            ? VersionedRecord<TKey, TValue>.Tombstone(key, version)
            : new VersionedRecord<TKey, TValue>(key, version, _value.Read(reader, versionOrdinal + 2));
    }
}
