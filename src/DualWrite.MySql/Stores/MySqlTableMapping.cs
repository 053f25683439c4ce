using DualWrite.Core.Relational;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <summary>
/// Which table a <see cref="MySqlVersionedStore{TKey, TValue}"/> keeps its rows in and how keys and values map to its
/// columns. The table is the application's own: its key columns (a primary or unique key), its value columns, and a
/// BIGINT version column the store adds. Deletes leave their tombstones in a side table,
/// <see cref="TableMapping{TKey, TValue, TReader}.TombstoneTable"/>. Names follow <see cref="MySqlDialect"/>'s rules.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed class MySqlTableMapping<TKey, TValue> : TableMapping<TKey, TValue, MySqlDataReader>
    where TKey : notnull
{
    /// <summary>The version column's name unless one is given.</summary>
    public const string DefaultVersionColumn = TableDefinition.DefaultVersionColumn;

    /// <summary>What the tombstone table's name adds to the table's name.</summary>
    public const string TombstoneSuffix = TableDefinition.TombstoneSuffix;

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
        : base(MySqlDialect.Instance, table, key, value, keyComparer, database, versionColumn)
    {
        Key = key;
        Value = value;
    }

    /// <summary>The key columns and their conversions.</summary>
    public MySqlColumnMap<TKey> Key { get; }

    /// <summary>The value columns and their conversions.</summary>
    public MySqlColumnMap<TValue> Value { get; }

    /// <summary>The table's database, or <see langword="null"/> for the connection's default database.</summary>
    public string? Database => Definition.Container;
}
