using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <summary>
/// A durable <see cref="IRepairLog{TKey}"/> in a MySQL table (see <see cref="EnsureSchemaAsync"/> for its layout).
/// Keys are stored as text through a codec the caller supplies; it must be canonical (equal keys give equal text),
/// because pending entries are matched by that text, byte for byte. While a <see cref="MySqlStoreTransaction"/> over
/// the same data source is current, every operation runs inside it.
/// </summary>
/// <typeparam name="TKey">The entity's key type.</typeparam>
public sealed partial class MySqlRepairLog<TKey> : IRepairLog<TKey>
    where TKey : notnull
{
    /// <summary>The table name unless one is given.</summary>
    public const string DefaultTable = "dualwrite_repair_log";

    private readonly Func<TKey, string> _formatKey;
    private readonly Func<string, TKey> _parseKey;
    private readonly TimeProvider _time;
    private readonly string _sqlTable;

    /// <summary>Creates a log over <paramref name="dataSource"/>; call <see cref="EnsureSchemaAsync"/> once before use.</summary>
    /// <param name="dataSource">Where the table lives.</param>
    /// <param name="formatKey">Writes a key as text (at most 512 characters); equal keys must give equal text.</param>
    /// <param name="parseKey">Reads a key back from the text <paramref name="formatKey"/> wrote.</param>
    /// <param name="timeProvider">The clock for completion times; the system clock when null.</param>
    /// <param name="table">The table's name.</param>
    /// <param name="database">The table's database, or <see langword="null"/> for the connection's default database.</param>
    public MySqlRepairLog(
        MySqlDataSource dataSource,
        Func<TKey, string> formatKey,
        Func<string, TKey> parseKey,
        TimeProvider? timeProvider = null,
        string table = DefaultTable,
        string? database = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(formatKey);
        ArgumentNullException.ThrowIfNull(parseKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        if (database is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(database);
        }

        DataSource = dataSource;
        _formatKey = formatKey;
        _parseKey = parseKey;
        _time = timeProvider ?? TimeProvider.System;
        Table = table;
        Database = database;
        _sqlTable = MySqlNames.Qualify(database, table);
    }

    /// <summary>The data source the table lives in.</summary>
    public MySqlDataSource DataSource { get; }

    /// <summary>The table's name.</summary>
    public string Table { get; }

    /// <summary>The table's database, or <see langword="null"/> for the connection's default database.</summary>
    public string? Database { get; }

    private string DisplayName => MySqlNames.Display(Database, Table);

    /// <inheritdoc />
    /// <remarks>
    /// Appending an id that is already in the log (pending or completed) does nothing if the entry there has the same
    /// entity, key, target and version; with different content it throws <see cref="MySqlStoreException"/>
    /// (<see cref="MySqlStoreErrorKind.RepairEntryConflict"/>), because one of the two writes would otherwise lose its trace.
    /// </remarks>
    public async ValueTask AppendAsync(RepairEntry<TKey> entry, CancellationToken cancellationToken)
    {
        var row = Encode(entry);
        await RunAsync(
            async connection =>
            {
                try
                {
                    await AppendInsert(new SqlBatch(), row).ExecuteNonQueryAsync(connection, cancellationToken).ConfigureAwait(false);
                }
                catch (MySqlException ex) when (ex.Number == MySqlErrors.DuplicateEntry)
                {
                    await EnsureSameContentAsync(connection, row, ex, cancellationToken).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RepairEntry<TKey>>> ReadPendingAsync(string entity, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return await RunAsync(
            async connection =>
            {
                // The pending_age index serves both the filter and the order, so this reads max index entries.
                var batch = new SqlBatch()
                    .Append($"SELECT `id`, `entity`, `entry_key`, `target`, `version`, `reason`, `failed_at` FROM {_sqlTable} ")
                    .Append("WHERE `entity` = ").Value(entity)
                    .Append(" AND `completed_at` IS NULL ORDER BY `failed_at`, `seq` LIMIT ").Value(max);
                var command = batch.ToCommand(connection);
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
        ArgumentNullException.ThrowIfNull(entity);
        var keyText = FormatKey(key);
        return await AnyAsync(
            () => new SqlBatch()
                .Append($"SELECT 1 FROM {_sqlTable} WHERE `entity` = ").Value(entity)
                .Append(" AND `entry_key` = ").Value(keyText)
                .Append(" AND `target` = ").Value(target.ToString())
                .Append(" AND `completed_at` IS NULL LIMIT 1"),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> HasPendingTowardAsync(string entity, StoreRole target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        // The pending-age index (entity, completed_at, ...) finds the pending rows; there are few.
        return await AnyAsync(
            () => new SqlBatch()
                .Append($"SELECT 1 FROM {_sqlTable} WHERE `entity` = ").Value(entity)
                .Append(" AND `completed_at` IS NULL AND `target` = ").Value(target.ToString())
                .Append(" LIMIT 1"),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many entries of <paramref name="entity"/> are pending, toward either store (the log's depth, as a dashboard shows it).</summary>
    public ValueTask<long> CountPendingAsync(string entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return RunAsync(
            async connection =>
            {
                var command = new SqlBatch()
                    .Append($"SELECT COUNT(*) FROM {_sqlTable} WHERE `entity` = ").Value(entity)
                    .Append(" AND `completed_at` IS NULL")
                    .ToCommand(connection);
                await using (command.ConfigureAwait(false))
                {
                    return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                }
            },
            cancellationToken);
    }

    /// <summary>Whether the query <paramref name="query"/> builds returns a row.</summary>
    private ValueTask<bool> AnyAsync(Func<SqlBatch> query, CancellationToken cancellationToken) => RunAsync(
        async connection =>
        {
            var command = query().ToCommand(connection);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
            }
        },
        cancellationToken);

    /// <inheritdoc />
    public async ValueTask CompleteAsync(IReadOnlyCollection<RepairEntry<TKey>> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var completedAt = _time.GetUtcNow().UtcDateTime;
        await RunAsync(
            async connection =>
            {
                // Only a pending entry changes, so completing twice keeps the first completion time.
                var batch = new SqlBatch()
                    .Append($"UPDATE {_sqlTable} SET `completed_at` = ").Value(completedAt)
                    .Append(" WHERE `id` IN (").Values([.. entries.Select(e => (object?)e.Id.ToString("D"))])
                    .Append(") AND `completed_at` IS NULL");
                await batch.ExecuteNonQueryAsync(connection, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="operation"/> on the current transaction's connection or a pooled one, naming the table in setup errors.</summary>
    private async ValueTask<T> RunAsync<T>(Func<MySqlConnection, Task<T>> operation, CancellationToken cancellationToken)
    {
        var lease = await StoreConnection.OpenAsync(DataSource, cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            try
            {
                return await operation(lease.Connection).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw lease.Fail(ex, DisplayName, SetupHint);
            }
        }
    }

    private const string SetupHint = "Create it with MySqlRepairLog.EnsureSchemaAsync.";
}
