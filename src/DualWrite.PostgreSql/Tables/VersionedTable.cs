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
    public const string DefaultVersionColumn = "_dw_version";

    /// <summary>Appended to the table's name for its tombstone table.</summary>
    public const string TombstoneSuffix = "__dw_tombstones";

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
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(keyColumns);

        // The tombstone table's name must fit the limit too.
        PgNames.RequireIdentifier(table, "table", nameof(table), PgNames.MaxIdentifierBytes - TombstoneSuffix.Length);
        if (schema is not null)
        {
            PgNames.RequireIdentifier(schema, "schema", nameof(schema), PgNames.MaxIdentifierBytes);
        }

        PgNames.RequireIdentifier(versionColumn, "version column", nameof(versionColumn), PgNames.MaxIdentifierBytes);
        if (keyColumns.Count == 0)
        {
            throw new ArgumentException($"The mapping of table '{table}' needs at least one key column.", nameof(keyColumns));
        }

        if (keyColumns.Any(k => k < 0 || k >= columns.Count) || keyColumns.Distinct().Count() != keyColumns.Count)
        {
            throw new ArgumentException($"The key ordinals of table '{table}' must name distinct mapped columns.", nameof(keyColumns));
        }

        // Quoted names are case-sensitive in PostgreSQL, so "Id" and "id" are two columns.
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            var role = keyColumns.Contains(i) ? "key" : "value";
            PgNames.RequireIdentifier(columns[i].Name, role + " column", nameof(columns), PgNames.MaxIdentifierBytes);
            if (!seen.TryAdd(columns[i].Name, role))
            {
                throw new ArgumentException($"Column '{columns[i].Name}' of table '{table}' is mapped twice (as {seen[columns[i].Name]} and as {role}).", nameof(columns));
            }
        }

        if (seen.TryGetValue(versionColumn, out var versionRole))
        {
            throw new ArgumentException($"Version column '{versionColumn}' of table '{table}' is also a {versionRole} column.", nameof(versionColumn));
        }

        Schema = schema;
        Table = table;
        Columns = [.. columns];
        KeyColumns = [.. keyColumns];
        VersionColumn = versionColumn;
        _keyIndexes = [.. keyColumns];
        _valueIndexes = [.. Enumerable.Range(0, columns.Count).Where(i => !keyColumns.Contains(i))];
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The schema, or null for the search path.</summary>
    public string? Schema { get; }

    /// <summary>The table's name.</summary>
    public string Table { get; }

    /// <summary>The tombstone table's name (in the schema the table resolves to).</summary>
    public string TombstoneTable => Table + TombstoneSuffix;

    /// <summary>The mapped columns, in the order rows carry their values.</summary>
    public IReadOnlyList<VersionedColumn> Columns { get; }

    /// <summary>Ordinals into <see cref="Columns"/> of the key, in key order.</summary>
    public IReadOnlyList<int> KeyColumns { get; }

    /// <summary>The version column.</summary>
    public string VersionColumn { get; }

    /// <summary>The key columns' names, in key order.</summary>
    public IEnumerable<string> KeyNames => _keyIndexes.Select(i => Columns[i].Name);

    /// <summary>How messages name the table.</summary>
    public override string ToString() => PgNames.Display(Schema, Table);

    /// <summary>The key values of a row's values.</summary>
    internal object?[] KeyOf(IReadOnlyList<object?> values) => [.. _keyIndexes.Select(i => values[i])];

    /// <summary>The non-key values of a row's values.</summary>
    internal object?[] ValuesOf(IReadOnlyList<object?> values) => [.. _valueIndexes.Select(i => values[i])];
}
