using System.Globalization;

namespace DualWrite.PostgreSql.Stores;

/// <content>Schema: the table's shape as the store reads it, and the set-up that adds what the store needs.</content>
public sealed partial class PostgreSqlVersionedStore<TKey, TValue>
{
    /// <summary>
    /// Checks the table against the mapping and adds what the store needs, leaving whatever is already in place: the
    /// version column (<c>bigint NOT NULL DEFAULT 0</c>; rows already there start at version 0) and the tombstone
    /// table (the key columns with the table's types and collations, and the version; primary key on the key
    /// columns). One transaction under an advisory lock, so it is safe on every start-up and from several processes.
    /// </summary>
    /// <exception cref="PostgreSqlStoreException">The table is missing, or does not fit the mapping (missing columns, no unique index on exactly the key columns, a version column that is not <c>bigint</c>).</exception>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var setupLock = PgNames.StableHash("setup:" + PgNames.Qualify(_mapping.Schema, _mapping.Table)).ToString(CultureInfo.InvariantCulture);
                await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({setupLock}, 0)", cancellationToken).ConfigureAwait(false);
                var live = await TableShape.ReadAsync(connection, _mapping.Schema, _mapping.Table, cancellationToken).ConfigureAwait(false)
                    ?? throw Missing(DisplayName, "The store keeps rows in a table the application owns; create it first (CreateTableAsync can).");
                CheckLive(live, requireVersion: false);
                if (live.Column(_mapping.VersionColumn) is null)
                {
                    await ExecuteAsync(
                        connection,
                        $"ALTER TABLE {PgNames.Qualify(live.Schema, live.Name)} ADD COLUMN {PgNames.Quote(_mapping.VersionColumn)} bigint NOT NULL DEFAULT 0",
                        cancellationToken).ConfigureAwait(false);
                    StoreLog.VersionColumnAdded(_logger, DisplayName, _mapping.VersionColumn);
                }

                if (await TableShape.ReadAsync(connection, live.Schema, _mapping.TombstoneTable, cancellationToken).ConfigureAwait(false) is null)
                {
                    await ExecuteAsync(connection, CreateTombstoneTableSql(live), cancellationToken).ConfigureAwait(false);
                    StoreLog.TombstoneTableCreated(_logger, DisplayName, _mapping.TombstoneTable);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        Volatile.Write(ref _sql, null);
    }

    /// <summary>
    /// Creates the table if it does not exist: the mapped columns with the given types, the version column, and a
    /// primary key on the key columns. For tables the store owns outright (a new store's tables, tests); an
    /// application's existing table needs only <see cref="EnsureSchemaAsync"/>.
    /// </summary>
    /// <param name="columnTypes">The PostgreSQL type of every mapped column (<c>bigint</c>, <c>text COLLATE "C"</c>). Written into the statement as given: never pass untrusted text.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <exception cref="ArgumentException">A mapped column has no type, or a type is given for a column the mapping does not have.</exception>
    public async Task CreateTableAsync(IReadOnlyDictionary<string, string> columnTypes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(columnTypes);
        var mapped = _mapping.Key.Columns.Concat(_mapping.Value.Columns).ToList();
        if (columnTypes.Keys.FirstOrDefault(c => !mapped.Contains(c)) is { } extra)
        {
            throw new ArgumentException($"Column '{extra}' has a type but is not in the mapping of table '{DisplayName}'.", nameof(columnTypes));
        }

        var definitions = new List<string>();
        foreach (var column in mapped)
        {
            if (!columnTypes.TryGetValue(column, out var type) || string.IsNullOrWhiteSpace(type))
            {
                throw new ArgumentException($"Column '{column}' of table '{DisplayName}' has no type.", nameof(columnTypes));
            }

            definitions.Add(PgNames.Quote(column) + " " + type + (_mapping.Key.Columns.Contains(column) ? " NOT NULL" : ""));
        }

        definitions.Add(PgNames.Quote(_mapping.VersionColumn) + " bigint NOT NULL DEFAULT 0");
        definitions.Add("PRIMARY KEY (" + string.Join(", ", _mapping.Key.Columns.Select(PgNames.Quote)) + ")");
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await ExecuteAsync(
                connection,
                $"CREATE TABLE IF NOT EXISTS {PgNames.Qualify(_mapping.Schema, _mapping.Table)} ({string.Join(", ", definitions)})",
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The SQL for the table as it stands, read from the catalog on first use and after a schema error.</summary>
    private async ValueTask<StoreSql> GetSqlAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _sql) is { } cached)
        {
            return cached;
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var live = await TableShape.ReadAsync(connection, _mapping.Schema, _mapping.Table, cancellationToken).ConfigureAwait(false)
                ?? throw Missing(DisplayName, StoreErrors.SetupHint);
            CheckLive(live, requireVersion: true);
            var tombstones = await TableShape.ReadAsync(connection, live.Schema, _mapping.TombstoneTable, cancellationToken).ConfigureAwait(false)
                ?? throw Missing(PgNames.Display(live.Schema, _mapping.TombstoneTable), StoreErrors.SetupHint);
            var tombstoneColumns = _mapping.Key.Columns.Append(_mapping.VersionColumn).Where(c => tombstones.Column(c) is null).ToList();
            if (tombstoneColumns.Count > 0)
            {
                throw Mismatch($"has a tombstone table '{_mapping.TombstoneTable}' without column(s) {string.Join(", ", tombstoneColumns)}; drop it and run EnsureSchemaAsync.");
            }

            var sql = new StoreSql(
                live.Schema,
                live.Name,
                _mapping.TombstoneTable,
                [.. _mapping.Key.Columns.Select(c => live.Column(c)!)],
                [.. _mapping.Value.Columns.Select(c => live.Column(c)!)],
                _mapping.VersionColumn);
            Volatile.Write(ref _sql, sql);
            return sql;
        }
    }

    private void CheckLive(TableShape live, bool requireVersion)
    {
        var missing = _mapping.Key.Columns.Concat(_mapping.Value.Columns).Where(c => live.Column(c) is null).ToList();
        if (missing.Count > 0)
        {
            throw Mismatch($"has no column(s) {string.Join(", ", missing)}.");
        }

        if (!live.HasUniqueIndexOn(_mapping.Key.Columns))
        {
            throw Mismatch($"has no primary key or unique index on exactly ({string.Join(", ", _mapping.Key.Columns)}); the store's upserts need one (ON CONFLICT).");
        }

        var version = live.Column(_mapping.VersionColumn);
        if (version is null && requireVersion)
        {
            throw Mismatch($"has no version column '{_mapping.VersionColumn}'. {StoreErrors.SetupHint}");
        }

        if (version is not null && version.SqlType != "bigint")
        {
            throw Mismatch($"has a version column '{_mapping.VersionColumn}' of type {version.SqlType}; it must be bigint.");
        }
    }

    private string CreateTombstoneTableSql(TableShape live)
    {
        var keys = _mapping.Key.Columns.Select(name => live.Column(name)!)
            .Select(c => PgNames.Quote(c.Name) + " " + c.Definition + " NOT NULL");
        var keyList = string.Join(", ", _mapping.Key.Columns.Select(PgNames.Quote));
        return $"CREATE TABLE IF NOT EXISTS {PgNames.Qualify(live.Schema, _mapping.TombstoneTable)} " +
            $"({string.Join(", ", keys)}, {PgNames.Quote(_mapping.VersionColumn)} bigint NOT NULL, PRIMARY KEY ({keyList}))";
    }

    private PostgreSqlStoreException Mismatch(string problem) =>
        new(PostgreSqlStoreErrorKind.SchemaMismatch, DisplayName, $"Table '{DisplayName}' {problem}");

    private PostgreSqlStoreException Missing(string table, string hint) =>
        new(PostgreSqlStoreErrorKind.TableMissing, DisplayName, $"Table '{table}' does not exist{(_mapping.Schema is null ? " in the search path" : "")}. {hint}");

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
