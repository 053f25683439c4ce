using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DualWrite.Backfill.Plans;
using DualWrite.Backfill.Schema;
using DualWrite.MySql.Replication.Rows;
using DualWrite.PostgreSql.Tables;
using DualWrite.MySql.Replication;
using DualWrite.MySql;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Backfill.Engine;

/// <summary>When the catch-up stops.</summary>
public sealed record CatchUpStop
{
    /// <summary>Stop once the lag has stayed under the plan's bound for <see cref="SteadyFor"/>.</summary>
    public bool WhenCaughtUp { get; init; } = true;

    /// <summary>How long the lag must stay under the bound to count as caught up.</summary>
    public TimeSpan SteadyFor { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Stop once everything up to this source position is applied (overrides <see cref="WhenCaughtUp"/>).</summary>
    public BinlogPosition? At { get; init; }
}

/// <summary>
/// Applies the binlog to the target after the snapshot: batches of transactions, collapsed to the last change per
/// key, merged under the version guard in one target transaction together with the position reached. A replay after
/// a crash re-applies changes the target already holds, which the guard ignores.
/// </summary>
internal sealed class CatchUp
{
    private readonly MigrationPlan _plan;
    private readonly string _sourceConnectionString;
    private readonly MySqlDataSource _source;
    private readonly NpgsqlDataSource _target;
    private readonly Checkpoints _checkpoints;
    private readonly BackfillProgress _progress;
    private readonly TextWriter _log;
    private readonly Dictionary<string, TableSpec> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConditionalWeakTable<TableMap, int[]> _imageIndexes = [];

    public CatchUp(
        MigrationPlan plan,
        IReadOnlyList<TableSpec> tables,
        string sourceConnectionString,
        MySqlDataSource source,
        NpgsqlDataSource target,
        Checkpoints checkpoints,
        BackfillProgress progress,
        TextWriter log)
    {
        _plan = plan;
        _sourceConnectionString = sourceConnectionString;
        _source = source;
        _target = target;
        _checkpoints = checkpoints;
        _progress = progress;
        _log = log;
        foreach (var table in tables)
        {
            _tables[Name(table.Source.Database, table.Source.Name)] = table;
        }
    }

    private readonly record struct Received(BinlogTransaction Transaction, long ReceivedAt);

    public async Task RunAsync(BinlogPosition from, CatchUpStop stop, CancellationToken cancellationToken)
    {
        var reader = new BinlogReader(_sourceConnectionString, new BinlogReaderOptions
        {
            IncludeTable = (schema, table) => _tables.ContainsKey(Name(schema, table)),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
        });
        var channel = Channel.CreateBounded<Received>(new BoundedChannelOptions(50_000) { SingleReader = true, SingleWriter = true });
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReadAsync(reader, from, channel.Writer, stopReading.Token);
        try
        {
            await ApplyAsync(channel.Reader, from, stop, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopReading.CancelAsync().ConfigureAwait(false);
            try
            {
                await reading.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task ReadAsync(BinlogReader reader, BinlogPosition from, ChannelWriter<Received> transactions, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var transaction in reader.ReadAsync(from, cancellationToken).ConfigureAwait(false))
            {
                await transactions.WriteAsync(new Received(transaction, Stopwatch.GetTimestamp()), cancellationToken).ConfigureAwait(false);
            }

            transactions.TryComplete();
        }
        catch (BinlogException ex) when (ex.Kind == BinlogErrorKind.BinlogPurged)
        {
            transactions.TryComplete(new BackfillException(BackfillError.BinlogPurged,
                $"The binlog at the catch-up position {from} was purged from the source, so the changes since then are lost to the catch-up. " +
                $"A re-snapshot is needed: run `dualwrite backfill run --plan {_plan.File} --resnapshot`. ({ex.Message})", ex));
        }
        catch (Exception ex)
        {
            transactions.TryComplete(ex);
        }
    }

    private async Task ApplyAsync(ChannelReader<Received> transactions, BinlogPosition from, CatchUpStop stop, CancellationToken cancellationToken)
    {
        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await TargetSchema.PrepareWriterSessionAsync(connection, cancellationToken).ConfigureAwait(false);
            var applied = from;
            var bound = _plan.Cdc.EffectiveLagBound;
            long? underBoundSince = null;
            _progress.AppliedPosition = applied;
            while (true)
            {
                var batch = new Dictionary<TableSpec, Dictionary<string, VersionedRow>>();
                var changes = 0;
                long oldest = 0;
                BinlogTransaction? last = null;
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    wait.CancelAfter(TimeSpan.FromMilliseconds(200));
                    try
                    {
                        if (!await transactions.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                        {
                            return;
                        }
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Nothing arrived for a while: nothing waits, so the lag is zero.
                    }
                }

                while (changes < _plan.Cdc.BatchSize && transactions.TryRead(out var received))
                {
                    oldest = oldest == 0 ? received.ReceivedAt : oldest;
                    var transaction = received.Transaction;
                    if (transaction.SchemaChange is { } ddl)
                    {
                        // Everything before the statement is applied first, so the policy acts at the right point.
                        await CommitAsync(connection, batch, last?.Position ?? applied, cancellationToken).ConfigureAwait(false);
                        batch.Clear();
                        await OnSchemaChangeAsync(ddl, cancellationToken).ConfigureAwait(false);
                    }

                    foreach (var change in transaction.Changes)
                    {
                        Collect(batch, change, transaction.Position);
                        changes++;
                    }

                    last = transaction;
                }

                if (last is not null)
                {
                    await CommitAsync(connection, batch, last.Position, cancellationToken).ConfigureAwait(false);
                    applied = last.Position;
                    _progress.AppliedPosition = applied;
                }

                var lag = oldest == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(oldest);
                _progress.Lag = lag;
                if (last is not null)
                {
                    _progress.AddChanges(changes, lag);
                }

                if (stop.At is { } at)
                {
                    if (applied >= at)
                    {
                        return;
                    }

                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                underBoundSince = lag < bound ? underBoundSince ?? now : null;
                _progress.CaughtUp = underBoundSince is { } since && Stopwatch.GetElapsedTime(since) >= stop.SteadyFor;
                if (_progress.CaughtUp && stop.WhenCaughtUp)
                {
                    return;
                }
            }
        }
    }

    private void Collect(Dictionary<TableSpec, Dictionary<string, VersionedRow>> batch, RowChange change, BinlogPosition position)
    {
        var table = _tables[Name(change.Table.Schema, change.Table.Table)];
        var indexes = _imageIndexes.GetValue(change.Table, map => ImageIndexes(table, map));
        if (!batch.TryGetValue(table, out var rows))
        {
            batch[table] = rows = new Dictionary<string, VersionedRow>(StringComparer.Ordinal);
        }

        var positionVersion = BinlogVersion.Of(position);
        if (change.Before is { } before && (change.After is null || Key(table, indexes, before) != Key(table, indexes, change.After)))
        {
            // A delete, or the old key of an update that changed the key.
            rows[Key(table, indexes, before)] = ToRow(table, indexes, before, positionVersion, deleted: true);
        }

        if (change.After is { } after)
        {
            rows[Key(table, indexes, after)] = ToRow(table, indexes, after, positionVersion, deleted: false);
        }
    }

    private async Task CommitAsync(NpgsqlConnection connection, Dictionary<TableSpec, Dictionary<string, VersionedRow>> batch, BinlogPosition position, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            foreach (var (table, rows) in batch)
            {
                if (rows.Count > 0)
                {
                    await table.Target.MergeAsync(connection, transaction, [.. rows.Values], cancellationToken).ConfigureAwait(false);
                }
            }

            await _checkpoints.RecordCatchUpAsync(connection, position, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task OnSchemaChangeAsync(SchemaChange ddl, CancellationToken cancellationToken)
    {
        foreach (var table in _tables.Values.Where(t => ddl.Affects(t.Source.Database, t.Source.Name)))
        {
            var statement = ddl.Sql.Length > 300 ? ddl.Sql[..300] + "…" : ddl.Sql;
            if (_plan.Ddl == DdlPolicy.Stop)
            {
                throw new BackfillException(BackfillError.SchemaChanged,
                    $"{ddl.Kind} on the tracked table {table.Source}: `{statement}`. The plan's DDL policy is `stop`: apply the change to the target " +
                    $"table {table.TargetSchema}.{table.TargetTable} and the plan, then resume (or set `ddl: apply-compatible` for changes that leave the mapped columns as they are).");
            }

            var problem = await IncompatibilityAsync(table, ddl, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                throw new BackfillException(BackfillError.SchemaChanged,
                    $"{ddl.Kind} on the tracked table {table.Source}: `{statement}` {problem}, so the mapping no longer holds (DDL policy `apply-compatible`). " +
                    "Update the target table and the plan, then resume, or re-snapshot the table.");
            }

            await _log.WriteLineAsync($"{ddl.Kind} on {table.Source} leaves every mapped column as it was; going on (`{statement}`).").ConfigureAwait(false);
        }
    }

    private async Task<string?> IncompatibilityAsync(TableSpec table, SchemaChange ddl, CancellationToken cancellationToken)
    {
        if (ddl.Kind is SchemaChangeKind.Drop or SchemaChangeKind.Rename or SchemaChangeKind.Truncate)
        {
            return ddl.Kind == SchemaChangeKind.Truncate ? "empties the table without row events" : "removes or renames the table";
        }

        var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var now = await SourceSchemaReader.ReadTableAsync(connection, table.Source.Database, table.Source.Name, cancellationToken).ConfigureAwait(false);
            if (now is null)
            {
                return "removes the table";
            }

            foreach (var column in table.SelectedColumns)
            {
                var current = now.Find(column.Name);
                if (current is null)
                {
                    return $"drops or renames column `{column.Name}`";
                }

                if (!TypeMapping.TryMap(current, out var type, out _) || type.Sql != TypeMapping.Map(column).Sql)
                {
                    return $"changes column `{column.Name}` from {column.ColumnType} to {current.ColumnType}";
                }
            }

            if (!now.PrimaryKey.SequenceEqual(table.Source.PrimaryKey, StringComparer.OrdinalIgnoreCase))
            {
                return $"changes the primary key to ({string.Join(", ", now.PrimaryKey)})";
            }
        }

        return null;
    }

    private static int[] ImageIndexes(TableSpec table, TableMap map)
    {
        if (!map.HasColumnNames)
        {
            throw new BackfillException(BackfillError.SchemaChanged,
                $"The binlog's table map for {table.Source} has no column names; the source needs binlog_row_metadata=FULL.");
        }

        return table.SelectedColumns.Select(c =>
        {
            var found = map.Columns.FirstOrDefault(m => string.Equals(m.Name, c.Name, StringComparison.OrdinalIgnoreCase))
                ?? throw new BackfillException(BackfillError.SchemaChanged, $"The binlog's rows for {table.Source} have no column `{c.Name}`: the table changed without a DDL statement the catch-up saw.");
            return found.Ordinal;
        }).ToArray();
    }

    private static string Key(TableSpec table, int[] indexes, object?[] image) =>
        KeyCodec.Encode(table.KeyColumns.Select(k => image[indexes[k]]).ToArray());

    /// <summary>
    /// The change as a row for the target. Its version is the version column's value when the plan names one, else the
    /// transaction's binlog position. A delete with a version column is one version past the row it deletes: the
    /// tombstone the MySQL store's trigger (or the store itself, at a newer version) records for the same delete, so a
    /// delete the target already holds from the application is ignored and one that bypassed the application lands.
    /// </summary>
    private static VersionedRow ToRow(TableSpec table, int[] indexes, object?[] image, long positionVersion, bool deleted)
    {
        var values = new object?[table.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = deleted && !table.KeyColumns.Contains(i) ? null : table.Columns[i].Convert(image[indexes[i]]);
        }

        var version = table.Version is null ? positionVersion : Convert.ToInt64(image[indexes[^1]], CultureInfo.InvariantCulture) + (deleted ? 1 : 0);
        return new VersionedRow(values, version, deleted);
    }

    private static string Name(string schema, string table) => schema + "\u0001" + table;
}
