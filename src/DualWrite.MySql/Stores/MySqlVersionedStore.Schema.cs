using DualWrite.MySql.Schema;
using DualWrite.MySql.Values;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <content>Schema set-up: version column, tombstone table and triggers.</content>
public sealed partial class MySqlVersionedStore<TKey, TValue>
{
    /// <summary>
    /// Checks the table against the mapping and adds what the store needs, leaving whatever is already in place:
    /// the version column (<c>BIGINT NOT NULL DEFAULT 0</c>; existing rows start at version 0), the tombstone table
    /// (the key columns with their types and collations, and the version; primary key on the key columns), and the
    /// triggers that version writes made without the store. Safe to call on every start-up and from several processes;
    /// a trigger whose body differs (an older release) is replaced.
    /// </summary>
    /// <remarks>Creating triggers on a server that writes a binlog needs the SUPER privilege or <c>log_bin_trust_function_creators=1</c>.</remarks>
    /// <exception cref="MySqlStoreException">The table is missing, or does not fit the mapping (missing columns, no unique index on exactly the key columns, a version column that is not BIGINT, an engine other than InnoDB).</exception>
    /// <exception cref="InvalidOperationException">A <see cref="MySqlStoreTransaction"/> over this data source is current (DDL would commit it).</exception>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken) => EnsureSchemaCoreAsync(cancellationToken);

    /// <summary><see cref="EnsureSchemaAsync"/>, returning how many triggers it (re)created.</summary>
    internal async Task<int> EnsureSchemaCoreAsync(CancellationToken cancellationToken)
    {
        if (MySqlStoreTransaction.CurrentFor(_dataSource) is not null)
        {
            throw new InvalidOperationException("EnsureSchemaAsync cannot run inside a MySqlStoreTransaction: DDL commits the current transaction implicitly.");
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var table = CheckShape(await MySqlSchemaReader.ReadTableAsync(connection, _mapping.Database, _mapping.Table, cancellationToken).ConfigureAwait(false));
            if (table.Find(_mapping.VersionColumn) is null)
            {
                await AddVersionColumnAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            await new SqlBatch().Statement(CreateTombstoneTableSql(table)).ExecuteNonQueryAsync(connection, cancellationToken).ConfigureAwait(false);
            return await InstallTriggersAsync(connection, table, cancellationToken).ConfigureAwait(false);
        }
    }

    private MySqlTable CheckShape(MySqlTable? table)
    {
        if (table is null)
        {
            throw new MySqlStoreException(
                MySqlStoreErrorKind.TableMissing,
                DisplayName,
                $"Table '{DisplayName}' does not exist{(_mapping.Database is null ? " in the connection's default database" : "")}. The store keeps rows in the application's existing table; create it first.");
        }

        if (!string.Equals(table.Engine, "InnoDB", StringComparison.OrdinalIgnoreCase))
        {
            throw Mismatch($"uses the {table.Engine ?? "(none: a view?)"} engine; the store's guarded writes need InnoDB's transactions and row locks.");
        }

        var missing = _mapping.Key.Columns.Concat(_mapping.Value.Columns).Where(c => table.Find(c) is null).ToList();
        if (missing.Count > 0)
        {
            throw Mismatch($"has no column(s) {string.Join(", ", missing)}.");
        }

        if (!table.HasUniqueIndexOn(_mapping.Key.Columns))
        {
            throw Mismatch($"has no primary or unique index on exactly ({string.Join(", ", _mapping.Key.Columns)}), in that order; the store locks and scans keys through it.");
        }

        if (table.Find(_mapping.VersionColumn) is { } version && version.Kind is not (MySqlValueKind.Int64 or MySqlValueKind.UInt64))
        {
            throw Mismatch($"has a version column '{_mapping.VersionColumn}' of type {version.ColumnType}; it must be BIGINT.");
        }

        return table;
    }

    private MySqlStoreException Mismatch(string problem) =>
        new(MySqlStoreErrorKind.SchemaMismatch, DisplayName, $"Table '{DisplayName}' {problem}");

    private async Task AddVersionColumnAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await new SqlBatch()
                .Statement($"ALTER TABLE {_sql.Live} ADD COLUMN {_sql.Version} BIGINT NOT NULL DEFAULT 0")
                .ExecuteNonQueryAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex) when (ex.Number == MySqlErrors.DuplicateColumn)
        {
            // Another process added it since the shape was read.
        }
    }

    private string CreateTombstoneTableSql(MySqlTable table)
    {
        var columns = _mapping.Key.Columns.Select(name => MySqlNames.Quote(name) + " " + table.Find(name)!.Definition() + " NOT NULL");
        return $"CREATE TABLE IF NOT EXISTS {_sql.Tombstones} ({string.Join(", ", columns)}, {_sql.Version} BIGINT NOT NULL, PRIMARY KEY ({_sql.KeyList})) ENGINE=InnoDB";
    }

    private async Task<int> InstallTriggersAsync(MySqlConnection connection, MySqlTable table, CancellationToken cancellationToken)
    {
        // MariaDB replaces a trigger atomically; elsewhere drop and create leave a moment without it.
        var replace = connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        var live = MySqlNames.Qualify(table.Database, _mapping.Table);
        var installed = 0;
        foreach (var (suffix, timing, body) in new TriggerSql(_mapping.TombstoneTable, _mapping.Key.Columns, _mapping.VersionColumn).All())
        {
            var name = _mapping.Table + suffix;
            if (table.Triggers.TryGetValue(name, out var existing) && TriggerSql.Matches(existing, body))
            {
                continue;
            }

            var qualified = MySqlNames.Qualify(table.Database, name);
            var batch = new SqlBatch();
            if (!replace && existing is not null)
            {
                batch.Statement($"DROP TRIGGER IF EXISTS {qualified}");
            }

            batch.Statement($"CREATE {(replace ? "OR REPLACE " : "")}TRIGGER {qualified} {timing} ON {live} FOR EACH ROW {body}");
            await batch.ExecuteNonQueryAsync(connection, cancellationToken).ConfigureAwait(false);
            installed++;
        }

        return installed;
    }
}
