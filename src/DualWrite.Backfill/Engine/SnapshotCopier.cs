using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using DualWrite.Backfill.Schema;
using DualWrite.MySql;
using DualWrite.MySql.Binlog;
using Npgsql;

namespace DualWrite.Backfill.Engine;

/// <summary>
/// Copies one key range of one table: a consistent snapshot on the source (which reports its binlog position, so
/// the copied rows carry that position's version and catch-up knows where to start), one streaming keyset-ordered
/// query, cut into chunks. Each chunk is written by binary COPY and committed on the target together with its
/// checkpoint; reading the next chunk overlaps writing the last.
/// </summary>
internal sealed class SnapshotCopier(
    TableSpec table,
    TargetWriter writer,
    Checkpoints checkpoints,
    MySqlDataSource source,
    NpgsqlDataSource target,
    Throttle throttle,
    TableProgress progress)
{
    private sealed record Chunk(List<TargetRow> Rows, object?[] LastKey);

    public async Task CopyAsync(RangeState range, CancellationToken cancellationToken)
    {
        var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, "SET SESSION time_zone = '+00:00', SESSION net_write_timeout = 3600, SESSION tx_isolation = 'REPEATABLE-READ'", cancellationToken)
                .ConfigureAwait(false);
            await ExecuteAsync(connection, "START TRANSACTION WITH CONSISTENT SNAPSHOT", cancellationToken).ConfigureAwait(false);
            var snapshot = await SnapshotPositionAsync(connection, cancellationToken).ConfigureAwait(false);
            var channel = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var writing = WriteOrStopAsync(range, snapshot, channel.Reader, stop);
            try
            {
                await ReadChunksAsync(connection, range, snapshot, channel.Writer, stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                channel.Writer.TryComplete(ex);
                await stop.CancelAsync().ConfigureAwait(false);
                if (writing.IsFaulted && writing.Exception.InnerException is not OperationCanceledException)
                {
                    // The writer failed first and the reader was stopped because of it: the writer's error is the news.
                    await writing.ConfigureAwait(false);
                }

                await IgnoreCancellation(writing).ConfigureAwait(false);
                throw;
            }

            await writing.ConfigureAwait(false);
            await ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteOrStopAsync(RangeState range, BinlogPosition snapshot, ChannelReader<Chunk> chunks, CancellationTokenSource stop)
    {
        try
        {
            await WriteChunksAsync(range, snapshot, chunks, stop.Token).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ReadChunksAsync(MySqlConnection connection, RangeState range, BinlogPosition snapshot, ChannelWriter<Chunk> chunks, CancellationToken cancellationToken)
    {
        var selected = table.SelectedColumns.ToList();
        var keyColumns = table.KeyColumns.ToArray();
        var where = new List<string>();
        var command = new MySqlCommand { Connection = connection };
        await using (command.ConfigureAwait(false))
        {
            var firstKey = Sql.My(table.Columns[keyColumns[0]].Source.Name);
            if (range.Low is { } low)
            {
                where.Add($"{firstKey} >= @low");
                command.Parameters.AddWithValue("@low", low);
            }

            if (range.High is { } high)
            {
                where.Add($"{firstKey} < @high");
                command.Parameters.AddWithValue("@high", high);
            }

            if (range.LastKey is { } last)
            {
                where.Add(After(KeyCodec.Decode(last, [.. table.Keys.Select(k => k.Source)]), command));
            }

            command.CommandText =
                $"SELECT {string.Join(", ", selected.Select(c => Sql.My(c.Name)))} FROM {table.SourceName}" +
                (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
                $" ORDER BY {string.Join(", ", table.Keys.Select(k => Sql.My(k.Source.Name)))}";
            command.CommandTimeout = 0;
            var snapshotVersion = BinlogVersion.Of(snapshot);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var rows = new List<TargetRow>(table.ChunkSize);
                object?[] lastKey = [];
                var raw = new object?[selected.Count];
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    for (var i = 0; i < raw.Length; i++)
                    {
                        raw[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    }

                    rows.Add(ToTargetRow(raw, snapshotVersion));
                    if (rows.Count == table.ChunkSize)
                    {
                        lastKey = keyColumns.Select(k => raw[k]).ToArray();
                        await chunks.WriteAsync(new Chunk(rows, lastKey), cancellationToken).ConfigureAwait(false);
                        rows = new List<TargetRow>(table.ChunkSize);
                    }
                }

                if (rows.Count > 0)
                {
                    lastKey = keyColumns.Select(k => raw[k]).ToArray();
                    await chunks.WriteAsync(new Chunk(rows, lastKey), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        chunks.Complete();
    }

    private async Task WriteChunksAsync(RangeState range, BinlogPosition snapshot, ChannelReader<Chunk> chunks, CancellationToken cancellationToken)
    {
        var connection = await target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var wroteAny = false;
            await foreach (var chunk in chunks.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await throttle.WaitAsync(chunk.Rows.Count, cancellationToken).ConfigureAwait(false);
                var watch = Stopwatch.StartNew();
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await writer.CopyAsync(connection, chunk.Rows, cancellationToken).ConfigureAwait(false);
                    await checkpoints.RecordChunkAsync(connection, table.Entity, range.RangeNo, KeyCodec.Encode(chunk.LastKey), chunk.Rows.Count, snapshot, cancellationToken)
                        .ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                wroteAny = true;
                progress.Add(chunk.Rows.Count);
                await throttle.AfterCommitAsync(watch.Elapsed, cancellationToken).ConfigureAwait(false);
            }

            if (!wroteAny)
            {
                await checkpoints.RecordSnapshotAsync(connection, snapshot, cancellationToken).ConfigureAwait(false);
            }

            await checkpoints.MarkDoneAsync(connection, table.Entity, range.RangeNo, cancellationToken).ConfigureAwait(false);
        }
    }

    private TargetRow ToTargetRow(object?[] raw, long snapshotVersion)
    {
        var values = new object?[table.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ConvertValue(table.Columns[i], raw[i]);
        }

        var version = table.Version is null ? snapshotVersion : System.Convert.ToInt64(raw[^1], CultureInfo.InvariantCulture);
        return new TargetRow(values, version, Deleted: false);
    }

    internal static object? ConvertValue(ColumnSpec column, object? value)
    {
        try
        {
            return column.Convert(value);
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or TargetValueException)
        {
            throw new BackfillException(BackfillError.BadValue, $"Column `{column.Source.Name}` ({column.Source.ColumnType}) holds a value its target type {column.Type.Sql} cannot take: {ex.Message}", ex);
        }
    }

    /// <summary>The keyset predicate "key after <paramref name="key"/>", expanded so MySQL uses the key's index: a > x OR (a = x AND b > y) ...</summary>
    private string After(object?[] key, MySqlCommand command)
    {
        var names = table.Keys.Select(k => Sql.My(k.Source.Name)).ToList();
        var terms = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var term = new StringBuilder("(");
            for (var j = 0; j < i; j++)
            {
                term.Append(CultureInfo.InvariantCulture, $"{names[j]} = @k{j} AND ");
            }

            term.Append(CultureInfo.InvariantCulture, $"{names[i]} > @k{i})");
            terms.Add(term.ToString());
            command.Parameters.AddWithValue($"@k{i}", key[i]);
        }

        return "(" + string.Join(" OR ", terms) + ")";
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

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
