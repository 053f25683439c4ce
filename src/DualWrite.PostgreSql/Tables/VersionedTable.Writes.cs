using System.Globalization;
using DualWrite.Core.Stores;
using NpgsqlTypes;

namespace DualWrite.PostgreSql.Tables;

/// <content>
/// Writes: the one guarded merge, under the keys' advisory locks, for a single change and for a staged batch; and the
/// snapshot's fresh copy into a key range nothing else has written yet.
/// </content>
public sealed partial class VersionedTable
{
    /// <summary>
    /// One guarded write: the key's lock, then the merge, in one batch that the server runs as one transaction (or
    /// inside the connection's open transaction).
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="key">The key's values, in key order.</param>
    /// <param name="value">The non-key values in column order, or null for a tombstone.</param>
    /// <param name="version">The change's version.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>What the version guard did.</returns>
    public async Task<WriteResult> WriteAsync(NpgsqlConnection connection, object?[] key, object?[]? value, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(key);
        var sql = await SqlAsync(connection, cancellationToken).ConfigureAwait(false);
        var lockKeys = new PgStatement();
        lockKeys.Append(sql.LockKeys(sql.RecordSource(lockKeys, key, value, value is null, version)));
        var merge = new PgStatement();
        merge.Append(sql.Merge(sql.RecordSource(merge, key, value, value is null, version), "SELECT _applied, _ver = GREATEST(_prev, _stored) FROM decided"));

        // A batch without an explicit transaction is one implicit transaction on the server: the lock is held until the
        // merge commits, and the merge, a statement of its own, reads what the lock's previous holder committed (READ
        // COMMITTED takes a fresh snapshot per statement).
        var batch = new NpgsqlBatch(connection) { BatchCommands = { lockKeys.ToBatchCommand(), merge.ToBatchCommand() } };
        await using (batch.ConfigureAwait(false))
        {
            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidOperationException("The guarded write returned no decision.");
                }

                return reader.GetBoolean(0) ? WriteResult.Applied
                    : reader.GetBoolean(1) ? WriteResult.IgnoredSameVersion
                    : WriteResult.IgnoredOlderVersion;
            }
        }
    }

    /// <summary>
    /// Applies <paramref name="rows"/> under the version guard, inside the connection's open transaction: they are copied
    /// (binary COPY) into a temporary staging table, the keys' locks are taken in hash order, and one merge statement
    /// writes the rows and tombstones. Several rows of one key behave as if written one by one in list order. The
    /// staging table is emptied again, so the transaction may go on (and merge other tables) before it commits.
    /// </summary>
    /// <returns>How many rows the guard applied.</returns>
    /// <exception cref="InvalidOperationException">The connection has no open transaction (the locks and the merge must commit together).</exception>
    public async Task<long> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<VersionedRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return 0;
        }

        var sql = await SqlAsync(connection, cancellationToken).ConfigureAwait(false);
        var staging = StagingName(sql);
        await ExecuteAsync(connection, sql.CreateStaging(staging, ifNotExists: true), cancellationToken).ConfigureAwait(false);
        await CopyAsync(connection, sql, staging, rows, cancellationToken).ConfigureAwait(false);
        var merge = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(sql.LockKeys("SELECT * FROM " + staging)),
                new NpgsqlBatchCommand(sql.Merge("SELECT * FROM " + staging, "SELECT count(*) FILTER (WHERE _applied) FROM decided")),
                new NpgsqlBatchCommand("TRUNCATE " + staging),
            },
        };
        await using (merge.ConfigureAwait(false))
        {
            var reader = await merge.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return reader.GetInt64(0);
            }
        }
    }

    /// <summary>
    /// Starts a binary COPY of rows into a key range that nothing has written yet (a snapshot chunk: no row, no tombstone,
    /// so no guard and no lock is needed). Write each row's columns in <see cref="Columns"/> order, then its version;
    /// finish with <see cref="EndFreshCopyAsync"/> inside the same transaction. Columns that travel as text go through
    /// the staging table and are cast there.
    /// </summary>
    public async Task<NpgsqlBinaryImporter> BeginFreshCopyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var sql = await SqlAsync(connection, cancellationToken).ConfigureAwait(false);
        var columns = string.Join(", ", Columns.Select(c => PgNames.Quote(c.Name)).Append(PgNames.Quote(VersionColumn)));
        if (!Columns.Any(c => c.TravelsAsText))
        {
            return await connection.BeginBinaryImportAsync($"COPY {sql.Live} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, FreshStagingSql(sql, create: true), cancellationToken).ConfigureAwait(false);
        return await connection.BeginBinaryImportAsync($"COPY {FreshStagingName(sql)} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes a fresh copy (moving staged rows into the table, cast, when some column travels as text).</summary>
    public async Task EndFreshCopyAsync(NpgsqlConnection connection, NpgsqlBinaryImporter importer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(importer);
        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await importer.DisposeAsync().ConfigureAwait(false);
        if (Columns.Any(c => c.TravelsAsText))
        {
            var sql = await SqlAsync(connection, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, FreshStagingSql(sql, create: false), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A staging table per table and shape, so one transaction can merge several tables and a changed shape never meets an old one.</summary>
    private static string StagingName(TableSql sql) =>
        "pg_temp." + PgNames.Quote("_dw_stage_" + ((uint)PgNames.StableHash(sql.Live + sql.CreateStaging("x", ifNotExists: false))).ToString("x8", CultureInfo.InvariantCulture));

    private string FreshStagingName(TableSql sql) =>
        "pg_temp." + PgNames.Quote("_dw_fresh_" + ((uint)PgNames.StableHash(sql.Live + string.Join(",", Columns))).ToString("x8", CultureInfo.InvariantCulture));

    /// <summary>Creates the fresh copy's staging table (the columns, text where they travel as text, the version), or moves its rows into the table.</summary>
    private string FreshStagingSql(TableSql sql, bool create)
    {
        var staging = FreshStagingName(sql);
        var shapes = Columns.Select((c, i) => (Column: c, Shape: ShapeOf(sql, i))).ToList();
        if (create)
        {
            return $"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ({string.Join(", ", shapes.Select(s => PgNames.Quote(s.Column.Name) + " " + s.Shape.StagingDefinition))}, {PgNames.Quote(VersionColumn)} bigint NOT NULL) ON COMMIT DELETE ROWS";
        }

        var names = string.Join(", ", Columns.Select(c => PgNames.Quote(c.Name)).Append(PgNames.Quote(VersionColumn)));
        var values = string.Join(", ", shapes.Select(s => s.Shape.FromStaging("s." + PgNames.Quote(s.Column.Name))).Append("s." + PgNames.Quote(VersionColumn)));
        return $"INSERT INTO {sql.Live} ({names}) SELECT {values} FROM {staging} AS s; TRUNCATE {staging}";
    }

    /// <summary>The catalog's shape of mapped column <paramref name="ordinal"/>.</summary>
    private ColumnShape ShapeOf(TableSql sql, int ordinal) =>
        Array.IndexOf(_keyIndexes, ordinal) is var key and >= 0 ? sql.KeyColumns[key] : sql.ValueColumns[Array.IndexOf(_valueIndexes, ordinal)];

    private async Task CopyAsync(NpgsqlConnection connection, TableSql sql, string staging, IReadOnlyList<VersionedRow> rows, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync(sql.CopyIntoStaging(staging), cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            for (var ord = 0; ord < rows.Count; ord++)
            {
                var row = rows[ord];
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < _keyIndexes.Length; i++)
                {
                    await WriteValueAsync(importer, row.Values[_keyIndexes[i]], sql.KeyColumns[i], cancellationToken).ConfigureAwait(false);
                }

                for (var i = 0; i < _valueIndexes.Length; i++)
                {
                    await WriteValueAsync(importer, row.IsTombstone ? null : row.Values[_valueIndexes[i]], sql.ValueColumns[i], cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(ord, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.IsTombstone, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Version, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task WriteValueAsync(NpgsqlBinaryImporter importer, object? value, ColumnShape column, CancellationToken cancellationToken) =>
        value is null or DBNull
            ? importer.WriteNullAsync(cancellationToken)
            : importer.WriteAsync(value, column.StagingCopyType, cancellationToken);
}
