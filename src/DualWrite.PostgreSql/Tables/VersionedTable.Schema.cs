using System.Globalization;
using DualWrite.PostgreSql.Stores;

namespace DualWrite.PostgreSql.Tables;

/// <content>Schema: creating the table, checking it and adding what the writers need, and its shape as they read it.</content>
public sealed partial class VersionedTable
{
    /// <summary>
    /// Creates the table if it does not exist — the mapped columns as <paramref name="columnDefinitions"/> gives them,
    /// the version column, a primary key on the key columns — and its tombstone table; for tables DualWrite owns (a
    /// new store's, the backfill's targets). An application's existing table needs only <see cref="EnsureAsync"/>.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="columnDefinitions">Each mapped column's type and constraints (<c>bigint</c>, <c>text COLLATE "C"</c>, <c>integer NOT NULL CHECK (…)</c>). Written into the statement as given: never pass untrusted text.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    /// <exception cref="ArgumentException">A mapped column has no definition, or one is given for a column the table does not map.</exception>
    public async Task CreateAsync(NpgsqlConnection connection, IReadOnlyDictionary<string, string> columnDefinitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(columnDefinitions);
        if (columnDefinitions.Keys.FirstOrDefault(c => Columns.All(m => m.Name != c)) is { } extra)
        {
            throw new ArgumentException($"Column '{extra}' has a definition but is not mapped in table '{this}'.", nameof(columnDefinitions));
        }

        var definitions = new List<string>();
        for (var i = 0; i < Columns.Count; i++)
        {
            var column = Columns[i].Name;
            if (!columnDefinitions.TryGetValue(column, out var definition) || string.IsNullOrWhiteSpace(definition))
            {
                throw new ArgumentException($"Column '{column}' of table '{this}' has no definition.", nameof(columnDefinitions));
            }

            var key = KeyColumns.Contains(i) && !definition.Contains("NOT NULL", StringComparison.OrdinalIgnoreCase);
            definitions.Add(PgNames.Quote(column) + " " + definition + (key ? " NOT NULL" : ""));
        }

        definitions.Add(PgNames.Quote(VersionColumn) + " bigint NOT NULL DEFAULT 0");
        definitions.Add("PRIMARY KEY (" + string.Join(", ", KeyNames.Select(PgNames.Quote)) + ")");
        var schema = Schema is null ? "" : $"CREATE SCHEMA IF NOT EXISTS {PgNames.Quote(Schema)}; ";
        await ExecuteAsync(connection, $"{schema}CREATE TABLE IF NOT EXISTS {PgNames.Qualify(Schema, Table)} ({string.Join(", ", definitions)})", cancellationToken)
            .ConfigureAwait(false);
        await EnsureAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks the table against the mapping and adds what the writers need, leaving whatever is already in place: the
    /// version column (<c>bigint NOT NULL DEFAULT 0</c>; rows already there start at version 0) and the tombstone
    /// table (the key columns with the table's types and collations, and the version; primary key on the key
    /// columns). One transaction under an advisory lock, so it is safe on every start-up and from several processes.
    /// </summary>
    /// <exception cref="PostgreSqlStoreException">The table is missing, or does not fit the mapping (missing columns, no unique index on exactly the key columns, a version column that is not <c>bigint</c>).</exception>
    public async Task EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var setupLock = PgNames.StableHash("setup:" + PgNames.Qualify(Schema, Table)).ToString(CultureInfo.InvariantCulture);
            await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({setupLock}, 0)", cancellationToken).ConfigureAwait(false);
            var live = await TableShape.ReadAsync(connection, Schema, Table, cancellationToken).ConfigureAwait(false)
                ?? throw Missing(ToString(), "The rows live in a table the application owns; create it first (CreateAsync or the store's CreateTableAsync can).");
            CheckLive(live, requireVersion: false);
            if (live.Column(VersionColumn) is null)
            {
                await ExecuteAsync(connection, $"ALTER TABLE {PgNames.Qualify(live.Schema, live.Name)} ADD COLUMN {PgNames.Quote(VersionColumn)} bigint NOT NULL DEFAULT 0", cancellationToken)
                    .ConfigureAwait(false);
                StoreLog.VersionColumnAdded(_logger, ToString(), VersionColumn);
            }

            if (await TableShape.ReadAsync(connection, live.Schema, TombstoneTable, cancellationToken).ConfigureAwait(false) is null)
            {
                await ExecuteAsync(connection, CreateTombstoneTableSql(live), cancellationToken).ConfigureAwait(false);
                StoreLog.TombstoneTableCreated(_logger, ToString(), TombstoneTable);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        Invalidate();
    }

    /// <summary>Drops the table and its tombstone table (a re-snapshot starts over from the current mapping).</summary>
    public async Task DropAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {PgNames.Qualify(Schema, Table)}, {PgNames.Qualify(Schema, TombstoneTable)}", cancellationToken).ConfigureAwait(false);
        Invalidate();
    }

    /// <summary>Forgets the table's shape: the next statement reads it again (after a schema error or change).</summary>
    internal void Invalidate() => Volatile.Write(ref _sql, null);

    /// <summary>The SQL for the table as it stands, read from the catalog on first use and after <see cref="Invalidate"/>.</summary>
    internal async ValueTask<TableSql> SqlAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _sql) is { } cached)
        {
            return cached;
        }

        var setupHint = StoreErrors.SetupHint;
        var live = await TableShape.ReadAsync(connection, Schema, Table, cancellationToken).ConfigureAwait(false) ?? throw Missing(ToString(), setupHint);
        CheckLive(live, requireVersion: true);
        var tombstones = await TableShape.ReadAsync(connection, live.Schema, TombstoneTable, cancellationToken).ConfigureAwait(false)
            ?? throw Missing(PgNames.Display(live.Schema, TombstoneTable), setupHint);
        var tombstoneColumns = KeyNames.Append(VersionColumn).Where(c => tombstones.Column(c) is null).ToList();
        if (tombstoneColumns.Count > 0)
        {
            throw Mismatch($"has a tombstone table '{TombstoneTable}' without column(s) {string.Join(", ", tombstoneColumns)}; drop it and run EnsureSchemaAsync.");
        }

        ColumnShape Shape(int i) => live.Column(Columns[i].Name)! with { TravelsAsText = Columns[i].TravelsAsText };
        var sql = new TableSql(live.Schema, live.Name, TombstoneTable, [.. _keyIndexes.Select(Shape)], [.. _valueIndexes.Select(Shape)], VersionColumn, Definition.KeyRange);
        Volatile.Write(ref _sql, sql);
        return sql;
    }

    private void CheckLive(TableShape live, bool requireVersion)
    {
        var missing = Columns.Select(c => c.Name).Where(c => live.Column(c) is null).ToList();
        if (missing.Count > 0)
        {
            throw Mismatch($"has no column(s) {string.Join(", ", missing)}.");
        }

        var keys = KeyNames.ToList();
        if (!live.HasUniqueIndexOn(keys))
        {
            throw Mismatch($"has no primary key or unique index on exactly ({string.Join(", ", keys)}); the upserts need one (ON CONFLICT).");
        }

        var version = live.Column(VersionColumn);
        if (version is null && requireVersion)
        {
            throw Mismatch($"has no version column '{VersionColumn}'. {StoreErrors.SetupHint}");
        }

        if (version is not null && version.SqlType != "bigint")
        {
            throw Mismatch($"has a version column '{VersionColumn}' of type {version.SqlType}; it must be bigint.");
        }
    }

    private string CreateTombstoneTableSql(TableShape live)
    {
        var keys = KeyNames.Select(name => live.Column(name)!).Select(c => PgNames.Quote(c.Name) + " " + c.Definition + " NOT NULL");
        var keyList = string.Join(", ", KeyNames.Select(PgNames.Quote));
        return $"CREATE TABLE IF NOT EXISTS {PgNames.Qualify(live.Schema, TombstoneTable)} " +
            $"({string.Join(", ", keys)}, {PgNames.Quote(VersionColumn)} bigint NOT NULL, PRIMARY KEY ({keyList}))";
    }

    private PostgreSqlStoreException Mismatch(string problem) =>
        new(PostgreSqlStoreErrorKind.SchemaMismatch, ToString(), $"Table '{this}' {problem}");

    private PostgreSqlStoreException Missing(string table, string hint) =>
        new(PostgreSqlStoreErrorKind.TableMissing, ToString(), $"Table '{table}' does not exist{(Schema is null ? " in the search path" : "")}. {hint}");

    internal static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
