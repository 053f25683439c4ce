using System.Diagnostics;
using System.Globalization;
using DualWrite.Migration.Schema;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Values;
using DualWrite.MySql;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Engine;

/// <summary>
/// Copies one key range of one table: a consistent snapshot on the source (which reports its binlog position, so
/// the copied rows carry that position's version and catch-up knows where to start), one streaming keyset-ordered
/// query, cut into chunks. Each row goes from the source reader into a binary COPY column by column, without an
/// intermediate row object; each chunk commits on the target together with its checkpoint. Several copiers run at
/// once, so the source and the target both stay busy.
/// </summary>
internal sealed class SnapshotCopier(
    TableSpec table,
    Checkpoints checkpoints,
    WorkerSession session,
    MySqlDataSource source,
    NpgsqlDataSource target,
    Throttle throttle,
    TableProgress progress)
{
    /// <summary>Copies the claimed range from where its checkpoint stands to its end, and marks it done.</summary>
    /// <exception cref="LeaseLostException">Another worker took the range over; what this one committed stays, its chunk in flight is dropped.</exception>
    public async Task CopyAsync(RangeClaim claim, CancellationToken cancellationToken)
    {
        var range = claim.Range;
        var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var snapshot = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
            var pg = await target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (pg.ConfigureAwait(false))
            {
                await TargetSchema.PrepareWriterSessionAsync(pg, cancellationToken).ConfigureAwait(false);
                await CopyRangeAsync(connection, pg, claim, snapshot, cancellationToken).ConfigureAwait(false);
                await checkpoints.MarkDoneAsync(pg, claim, cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CopyRangeAsync(MySqlConnection connection, NpgsqlConnection pg, RangeClaim claim, BinlogPosition snapshot, CancellationToken cancellationToken)
    {
        var range = claim.Range;
        var afterKey = range.LastKey;
        var selected = table.SelectedColumns.ToList();
        var asUtf8 = table.Columns.Select((c, i) => ColumnCopy.SelectsUtf8Bytes(c, table.KeyColumns.Contains(i))).ToArray();
        var keyColumns = table.KeyColumns.ToArray();
        var where = new List<string>();
        var command = new MySqlCommand { Connection = connection };
        await using (command.ConfigureAwait(false))
        {
            var keyNames = table.Keys.Select(k => MySqlNames.Quote(k.Source.Name)).ToList();
            KeyRanges.AddConditions(keyNames[0], range.Low, range.High, command, where);
            if (range.LastKey is { } last)
            {
                where.Add(KeysetSql.After(keyNames, KeyCodec.Decode(last, [.. table.Keys.Select(k => k.Source)]), command));
            }

            command.CommandText =
                $"SELECT {string.Join(", ", selected.Select((c, i) => i < asUtf8.Length && asUtf8[i] ? ColumnCopy.Utf8SelectExpression(MySqlNames.Quote(c.Name)) : MySqlNames.Quote(c.Name)))} FROM {table.SourceName}" +
                (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
                $" ORDER BY {string.Join(", ", keyNames)}";
            command.CommandTimeout = 0;
            var snapshotVersion = BinlogVersion.Of(snapshot);
            var versionOrdinal = table.Version is null ? -1 : selected.Count - 1;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var values = MySqlColumnReader.For(reader);
                var copiers = table.Columns.Select((c, i) => ColumnCopy.For(c, values.Reader(i), asUtf8[i])).ToArray();
                var more = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var wroteAny = false;
                while (more)
                {
                    await throttle.WaitAsync(table.ChunkSize, cancellationToken).ConfigureAwait(false);
                    var watch = Stopwatch.StartNew();
                    var transaction = await pg.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        await checkpoints.BeginChunkAsync(pg, session, claim, cancellationToken).ConfigureAwait(false);
                        var importer = await table.Target.BeginFreshCopyAsync(pg, cancellationToken).ConfigureAwait(false);
                        var rows = 0;
                        object?[] lastKey = [];
                        try
                        {
                            do
                            {
                                importer.StartRow();
                                for (var i = 0; i < copiers.Length; i++)
                                {
                                    if (reader.IsDBNull(i))
                                    {
                                        importer.WriteNull();
                                    }
                                    else
                                    {
                                        copiers[i](reader, i, importer);
                                    }
                                }

                                importer.Write(versionOrdinal < 0 ? snapshotVersion : reader.GetInt64(versionOrdinal), NpgsqlTypes.NpgsqlDbType.Bigint);
                                rows++;
                                lastKey = Key(reader, values, keyColumns);
                                more = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                            }
                            while (more && rows < table.ChunkSize);
                        }
                        catch
                        {
                            await importer.DisposeAsync().ConfigureAwait(false);
                            throw;
                        }

                        await table.Target.EndFreshCopyAsync(pg, importer, cancellationToken).ConfigureAwait(false);
                        var chunkLast = KeyCodec.Encode(lastKey);
                        await checkpoints.RecordChunkAsync(pg, session, claim, afterKey, chunkLast, rows, snapshot, cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        afterKey = chunkLast;
                        wroteAny = true;
                        progress.Add(rows);
                    }

                    await throttle.AfterCommitAsync(watch.Elapsed, cancellationToken).ConfigureAwait(false);
                }

                if (!wroteAny)
                {
                    await checkpoints.RecordSnapshotAsync(pg, snapshot, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static object?[] Key(MySqlDataReader reader, MySqlColumnReader values, int[] keyColumns)
    {
        var key = new object?[keyColumns.Length];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = values.GetValue(reader, keyColumns[i]);
        }

        return key;
    }

    /// <summary>
    /// Starts a consistent snapshot on <paramref name="connection"/> (session time zone UTC, REPEATABLE READ, a long
    /// write timeout for a reader that pauses) and returns the binlog position it holds at, which MariaDB reports
    /// without locks.
    /// </summary>
    /// <exception cref="BackfillException">The source reports no snapshot position (no binary log).</exception>
    internal static async Task<BinlogPosition> BeginSnapshotAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "SET SESSION time_zone = '+00:00', SESSION net_write_timeout = 3600, SESSION tx_isolation = 'REPEATABLE-READ'", cancellationToken)
            .ConfigureAwait(false);
        await ExecuteAsync(connection, "START TRANSACTION WITH CONSISTENT SNAPSHOT", cancellationToken).ConfigureAwait(false);
        return await SnapshotPositionAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<BinlogPosition> SnapshotPositionAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        string? file = null;
        ulong? offset = null;
        var command = new MySqlCommand("SHOW STATUS LIKE 'binlog_snapshot_%'", connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    switch (reader.GetString(0).ToUpperInvariant())
                    {
                        case "BINLOG_SNAPSHOT_FILE":
                            file = reader.GetString(1);
                            break;
                        case "BINLOG_SNAPSHOT_POSITION":
                            offset = ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
                            break;
                    }
                }
            }
        }

        if (string.IsNullOrEmpty(file) || offset is null)
        {
            throw new BackfillException(BackfillError.TargetMismatch,
                "The source reported no binlog position for the snapshot (binlog_snapshot_file is empty): the binary log must be on (log_bin) and the server MariaDB 10.0 or later.");
        }

        return new BinlogPosition(file, offset.Value);
    }

    internal static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new MySqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
