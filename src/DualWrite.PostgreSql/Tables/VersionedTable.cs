using DualWrite.Core.Relational;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DualWrite.PostgreSql.Tables;

/// <summary>
/// One versioned table in PostgreSQL, and the one way anything writes it: live rows carry their version in a
/// <c>bigint</c> column, a delete leaves a versioned tombstone in <c>&lt;table&gt;__dw_tombstones</c>, every writer
/// takes the keys' advisory locks (one lock class per table, keys in hash order) and every write goes through one
/// guarded merge in which only a strictly newer version wins, against the key's row and tombstone alike. The
/// decorator's store (<see cref="Stores.PostgreSqlVersionedStore{TKey, TValue}"/>), the backfill's snapshot and its
/// binlog catch-up all write through it, so they can write the same keys at the same time (docs/postgresql-store.md).
/// </summary>
/// <remarks>
/// Values are CLR values Npgsql writes as each column's type, in column order (<see cref="Columns"/>); a column that
/// travels as text (<see cref="VersionedColumn.TravelsAsText"/>) is cast by the server. The table's shape is read from
/// the catalog on first use and again after a schema error.
/// </remarks>
public sealed partial class VersionedTable
{
    /// <summary>The version column's name unless another is given.</summary>
    public const string DefaultVersionColumn = TableDefinition.DefaultVersionColumn;

    /// <summary>Appended to the table's name for its tombstone table.</summary>
    public const string TombstoneSuffix = TableDefinition.TombstoneSuffix;

    private readonly int[] _keyIndexes;
    private readonly int[] _valueIndexes;
    private readonly ILogger _logger;
    private TableSql? _sql;

    /// <summary>Describes the table.</summary>
    /// <param name="schema">The schema, or null to resolve the table through the search path.</param>
    /// <param name="table">The table's name as the server stores it (names are quoted).</param>
    /// <param name="columns">Every mapped column, in the order rows carry their values.</param>
    /// <param name="keyColumns">Ordinals into <paramref name="columns"/> of the key, in key order.</param>
    /// <param name="versionColumn">The <c>bigint</c> version column.</param>
    /// <param name="logger">Where schema changes and write retries are logged.</param>
    /// <exception cref="ArgumentException">A name is blank, too long or repeated, there is no key, or a key ordinal is out of range.</exception>
    public VersionedTable(string? schema, string table, IReadOnlyList<VersionedColumn> columns, IReadOnlyList<int> keyColumns, string versionColumn = DefaultVersionColumn, ILogger? logger = null)
        : this(Define(schema, table, columns, keyColumns, versionColumn), columns, keyColumns, logger)
    {
    }

    /// <summary>The table of a store's mapping: its key columns, then its value columns, none travelling as text.</summary>
    internal VersionedTable(TableDefinition definition, ILogger? logger = null)
        : this(definition, [.. definition.KeyColumns.Concat(definition.ValueColumns).Select(c => new VersionedColumn(c))], [.. Enumerable.Range(0, definition.KeyColumns.Count)], logger)
    {
    }

    private VersionedTable(TableDefinition definition, IReadOnlyList<VersionedColumn> columns, IReadOnlyList<int> keyColumns, ILogger? logger)
    {
        Definition = definition;
        Columns = [.. columns];
        KeyColumns = [.. keyColumns];
        _keyIndexes = [.. keyColumns];
        _valueIndexes = [.. Enumerable.Range(0, columns.Count).Where(i => !keyColumns.Contains(i))];
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The table's names, checked against PostgreSQL's rules.</summary>
    public TableDefinition Definition { get; }

    /// <summary>The schema, or null for the search path.</summary>
    public string? Schema => Definition.Container;

    /// <summary>The table's name.</summary>
    public string Table => Definition.Table;

    /// <summary>The tombstone table's name (in the schema the table resolves to).</summary>
    public string TombstoneTable => Definition.TombstoneTable;

    /// <summary>The mapped columns, in the order rows carry their values.</summary>
    public IReadOnlyList<VersionedColumn> Columns { get; }

    /// <summary>Ordinals into <see cref="Columns"/> of the key, in key order.</summary>
    public IReadOnlyList<int> KeyColumns { get; }

    /// <summary>The version column.</summary>
    public string VersionColumn => Definition.VersionColumn;

    /// <summary>The key columns' names, in key order.</summary>
    public IEnumerable<string> KeyNames => Definition.KeyColumns;

    /// <summary>How messages name the table.</summary>
    public override string ToString() => Definition.ToString();

    /// <summary>The key values of a row's values.</summary>
    internal object?[] KeyOf(IReadOnlyList<object?> values) => [.. _keyIndexes.Select(i => values[i])];

    /// <summary>The non-key values of a row's values.</summary>
    internal object?[] ValuesOf(IReadOnlyList<object?> values) => [.. _valueIndexes.Select(i => values[i])];

    /// <summary>Checks the key ordinals, then every name (<see cref="TableDefinition"/>).</summary>
    private static TableDefinition Define(string? schema, string table, IReadOnlyList<VersionedColumn> columns, IReadOnlyList<int> keyColumns, string versionColumn)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(keyColumns);
        if (keyColumns.Any(k => k < 0 || k >= columns.Count) || keyColumns.Distinct().Count() != keyColumns.Count)
        {
            throw new ArgumentException($"The key ordinals of table '{table}' must name distinct mapped columns.", nameof(keyColumns));
        }

        var values = Enumerable.Range(0, columns.Count).Where(i => !keyColumns.Contains(i)).Select(i => columns[i].Name);
        return new TableDefinition(PostgreSqlDialect.Instance, schema, table, [.. keyColumns.Select(i => columns[i].Name)], [.. values], versionColumn);
    }
}
