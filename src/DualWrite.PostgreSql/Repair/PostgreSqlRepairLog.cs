using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.PostgreSql.Tables;

namespace DualWrite.PostgreSql.Stores;

/// <summary>
/// A durable <see cref="IRepairLog{TKey}"/> in a PostgreSQL table (see <see cref="EnsureSchemaAsync"/> for its layout).
/// Keys are stored as text through a codec the caller supplies; it must be canonical (equal keys give equal text),
/// because pending entries are matched by that text, byte for byte. Given to a <see cref="PostgreSqlOutboxStore{TKey, TValue}"/>
/// over the same data source, it also takes the intents that commit together with the store's writes.
/// </summary>
/// <typeparam name="TKey">The entity's key type.</typeparam>
public sealed partial class PostgreSqlRepairLog<TKey> : IRepairLog<TKey>
    where TKey : notnull
{
    /// <summary>The table name unless one is given.</summary>
    public const string DefaultTable = "dualwrite_repair_log";

    /// <summary>The schema unless one is given.</summary>
    public const string DefaultSchema = "public";

    private readonly Func<TKey, string> _formatKey;
    private readonly Func<string, TKey> _parseKey;
    private readonly TimeProvider _time;
    private readonly string _sqlTable;

    /// <summary>Creates a log over <paramref name="dataSource"/>; call <see cref="EnsureSchemaAsync"/> once before use.</summary>
    /// <param name="dataSource">Where the table lives.</param>
    /// <param name="formatKey">Writes a key as text (at most 512 characters, no NUL); equal keys must give equal text.</param>
    /// <param name="parseKey">Reads a key back from the text <paramref name="formatKey"/> wrote.</param>
    /// <param name="timeProvider">The clock for completion times; the system clock when null.</param>
    /// <param name="table">The table's name as the server stores it (it is quoted); at most 51 bytes, so that its index names fit.</param>
    /// <param name="schema">The table's schema, which must exist.</param>
    /// <exception cref="ArgumentException">A name is blank, too long or holds a NUL.</exception>
    public PostgreSqlRepairLog(
        NpgsqlDataSource dataSource,
        Func<TKey, string> formatKey,
        Func<string, TKey> parseKey,
        TimeProvider? timeProvider = null,
        string table = DefaultTable,
        string schema = DefaultSchema)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(formatKey);
        ArgumentNullException.ThrowIfNull(parseKey);
        PgNames.RequireIdentifier(table, "repair log table", nameof(table), PgNames.MaxIdentifierBytes - LongestIndexSuffix.Length);
        PgNames.RequireIdentifier(schema, "repair log schema", nameof(schema), PgNames.MaxIdentifierBytes);
        DataSource = dataSource;
        _formatKey = formatKey;
        _parseKey = parseKey;
        _time = timeProvider ?? TimeProvider.System;
        Table = table;
        Schema = schema;
        _sqlTable = PgNames.Qualify(schema, table);
    }

    /// <summary>The data source the table lives in.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The table's name.</summary>
    public string Table { get; }

    /// <summary>The table's schema.</summary>
    public string Schema { get; }

    private string DisplayName => PgNames.Display(Schema, Table);

    /// <inheritdoc />
    /// <remarks>
    /// Appending an id that is already in the log (pending or completed) does nothing if the entry there has the same
    /// entity, key, target and version; with different content it throws <see cref="PostgreSqlStoreException"/>
    /// (<see cref="PostgreSqlStoreErrorKind.RepairEntryConflict"/>), because one of the two writes would otherwise lose its trace.
    /// </remarks>
    /// <exception cref="ArgumentException">The entity or the key's text is too long or holds a NUL; nothing was sent.</exception>
    public async ValueTask AppendAsync(RepairEntry<TKey> entry, CancellationToken cancellationToken)
    {
        var row = Encode(entry);
        await RunAsync(
            async connection =>
            {
                await InsertAsync(connection, row, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RepairEntry<TKey>>> ReadPendingAsync(string entity, int max, CancellationToken cancellationToken)
    {
        CheckEntity(entity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var statement = new PgStatement();

        // The pending_age index is partial (pending rows only) and ordered like the result: this reads max index entries.
        statement.Append(
            $"SELECT id, entity, entry_key, target, version, reason, failed_at FROM {_sqlTable} " +
            $"WHERE entity = {statement.Bind(entity, "text")} AND completed_at IS NULL ORDER BY failed_at, seq LIMIT {statement.Bind(max, "integer")}");
        return await RunAsync(
            async connection =>
            {
                var command = statement.ToCommand(connection);
                await using (command.ConfigureAwait(false))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        var entries = new List<RepairEntry<TKey>>();
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            entries.Add(Decode(reader));
                        }

                        return (IReadOnlyList<RepairEntry<TKey>>)entries;
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> HasPendingAsync(string entity, TKey key, StoreRole target, CancellationToken cancellationToken)
    {
        CheckEntity(entity);
        var statement = new PgStatement();
        statement.Append(
            $"SELECT EXISTS (SELECT 1 FROM {_sqlTable} WHERE entity = {statement.Bind(entity, "text")} AND entry_key = {statement.Bind(FormatKey(key), "text")} " +
            $"AND target = {statement.Bind(target.ToString(), "text")} AND completed_at IS NULL)");
        return await ExistsAsync(statement, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> HasPendingTowardAsync(string entity, StoreRole target, CancellationToken cancellationToken)
    {
        CheckEntity(entity);
        var statement = new PgStatement();

        // The pending_age index is partial (pending rows only), so this reads the few pending rows of the entity at most.
        statement.Append(
            $"SELECT EXISTS (SELECT 1 FROM {_sqlTable} WHERE entity = {statement.Bind(entity, "text")} " +
            $"AND target = {statement.Bind(target.ToString(), "text")} AND completed_at IS NULL)");
        return await ExistsAsync(statement, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(IReadOnlyCollection<RepairEntry<TKey>> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        // Only a pending entry changes, so completing twice keeps the first completion time.
        var statement = new PgStatement();
        statement.Append(
            $"UPDATE {_sqlTable} SET completed_at = {statement.Bind(_time.GetUtcNow().UtcDateTime, "timestamptz")} " +
            $"WHERE id = ANY({statement.Bind(entries.Select(e => e.Id).ToArray(), "uuid[]")}) AND completed_at IS NULL");
        await RunAsync(
            async connection =>
            {
                var command = statement.ToCommand(connection);
                await using (command.ConfigureAwait(false))
                {
                    return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a <c>SELECT EXISTS (...)</c>.</summary>
    private Task<bool> ExistsAsync(PgStatement statement, CancellationToken cancellationToken) => RunAsync(
        async connection =>
        {
            var command = statement.ToCommand(connection);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
            }
        },
        cancellationToken);

    /// <summary>How many entries of <paramref name="entity"/> are pending, toward either store (the log's depth, as a dashboard shows it).</summary>
    public Task<long> CountPendingAsync(string entity, CancellationToken cancellationToken)
    {
        CheckEntity(entity);
        var statement = new PgStatement();
        statement.Append($"SELECT count(*) FROM {_sqlTable} WHERE entity = {statement.Bind(entity, "text")} AND completed_at IS NULL");
        return RunAsync(
            async connection =>
            {
                var command = statement.ToCommand(connection);
                await using (command.ConfigureAwait(false))
                {
                    return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }
            },
            cancellationToken);
    }

    /// <summary>Runs <paramref name="operation"/> on a pooled connection, naming the table in setup errors.</summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await operation(connection).ConfigureAwait(false);
            }
        }
        catch (PostgresException ex) when (Translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    private PostgreSqlStoreException? Translate(PostgresException error) => StoreErrors.Translate(
        error,
        DisplayName,
        $"Repair log table '{DisplayName}' does not exist",
        $"Repair log table '{DisplayName}' lacks a column the log needs",
        "Create it with PostgreSqlRepairLog.EnsureSchemaAsync.");
}
