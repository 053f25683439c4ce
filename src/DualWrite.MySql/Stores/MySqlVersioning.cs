using DualWrite.Core.Relational;
using DualWrite.MySql.Schema;
using DualWrite.MySql.Values;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <summary>
/// Whether a MySQL table carries the one version order a migration needs: the version column the store stamps on its
/// own writes, the tombstone table, and the triggers that stamp every write made without the store, so that the row,
/// and with it the binlog, always holds a version the application's versions can be compared with. What
/// <see cref="MySqlVersionedStore{TKey, TValue}.EnsureSchemaAsync"/> installs is what this checks.
/// </summary>
public static class MySqlVersioning
{
    /// <summary>The version column's name unless one is given.</summary>
    public const string DefaultVersionColumn = TableDefinition.DefaultVersionColumn;

    /// <summary>What the tombstone table's name adds to the table's name.</summary>
    public const string TombstoneSuffix = TableDefinition.TombstoneSuffix;

    /// <summary>
    /// What <paramref name="table"/> lacks for the version order, one sentence each; empty when it has everything.
    /// </summary>
    /// <param name="connection">An open connection to the server.</param>
    /// <param name="database">The table's database, or null for the connection's default database.</param>
    /// <param name="table">The table.</param>
    /// <param name="keyColumns">The key columns, in key order (the triggers match tombstones by them).</param>
    /// <param name="versionColumn">The version column.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(
        MySqlConnection connection,
        string? database,
        string table,
        IReadOnlyList<string> keyColumns,
        string versionColumn = DefaultVersionColumn,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentNullException.ThrowIfNull(keyColumns);
        ArgumentException.ThrowIfNullOrEmpty(versionColumn);
        var shape = await MySqlSchemaReader.ReadTableAsync(connection, database, table, cancellationToken).ConfigureAwait(false);
        if (shape is null)
        {
            return [$"table `{table}` does not exist"];
        }

        var problems = new List<string>();
        if (shape.Find(versionColumn) is not { } version)
        {
            problems.Add($"`{table}` has no version column `{versionColumn}`");
        }
        else if (version.Kind is not (MySqlValueKind.Int64 or MySqlValueKind.UInt64))
        {
            problems.Add($"`{table}`.`{versionColumn}` is {version.ColumnType}, not BIGINT");
        }

        var tombstones = table + TombstoneSuffix;
        if (await MySqlSchemaReader.ReadTableAsync(connection, shape.Database, tombstones, cancellationToken).ConfigureAwait(false) is null)
        {
            problems.Add($"there is no tombstone table `{tombstones}`");
        }

        var missing = new List<string>();
        foreach (var (suffix, _, body) in new TriggerSql(tombstones, keyColumns, versionColumn).All())
        {
            if (!shape.Triggers.TryGetValue(table + suffix, out var existing) || !TriggerSql.Matches(existing, body))
            {
                missing.Add(table + suffix);
            }
        }

        if (missing.Count > 0)
        {
            problems.Add($"the version trigger(s) {string.Join(", ", missing.Select(m => $"`{m}`"))} are missing or out of date, so writes that bypass the store would keep an old version");
        }

        return problems;
    }
}
