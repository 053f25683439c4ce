using DualWrite.MySql.Replication;
using DualWrite.PostgreSql.Tables;
using Npgsql;

namespace DualWrite.Migration.Engine;

/// <summary>
/// Writes batches to the target: each batch's rows are merged through the tables' <see cref="DualWrite.PostgreSql.Tables.VersionedTable"/>
/// under the version guard. A small batch commits in one target transaction together with the catch-up checkpoint. A
/// larger one is split by key over the plan's <see cref="Plans.CdcSettings.Parallelism"/> connections (all changes of a
/// key, collapsed to the last, go to one of them), which commit their parts at once; the checkpoint commits after all of
/// them have. Once it has, the batch's position is acknowledged to the reader, so the reader's
/// <see cref="BinlogReader.AcknowledgedPosition"/> is what the target durably holds. A crash between the parts and the
/// checkpoint, like any replay after a crash, re-applies changes the target already holds, which the guard ignores.
/// </summary>
internal sealed class BatchApplier : IAsyncDisposable
{
    /// <summary>Rows below which a batch is applied on one connection, with its checkpoint (splitting would cost more than it saves).</summary>
    internal const int SplitFrom = 1_000;

    private readonly NpgsqlConnection[] _connections;
    private readonly ChangeCollapser _rows;
    private readonly Checkpoints _checkpoints;
    private readonly BinlogReader _reader;

    private BatchApplier(NpgsqlConnection[] connections, ChangeCollapser rows, Checkpoints checkpoints, BinlogReader reader)
    {
        _connections = connections;
        _rows = rows;
        _checkpoints = checkpoints;
        _reader = reader;
    }

    /// <summary>Opens the applier's writer sessions on the target.</summary>
    /// <param name="target">The target.</param>
    /// <param name="rows">Turns a batch into the tables' rows.</param>
    /// <param name="checkpoints">Where the catch-up position commits with each batch.</param>
    /// <param name="reader">The reader that delivered the batches, told of each one applied.</param>
    /// <param name="parallelism">How many connections a large batch is split over.</param>
    /// <param name="cancellationToken">Cancels the opening.</param>
    public static async Task<BatchApplier> OpenAsync(NpgsqlDataSource target, ChangeCollapser rows, Checkpoints checkpoints, BinlogReader reader, int parallelism, CancellationToken cancellationToken)
    {
        var connections = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < Math.Max(1, parallelism); i++)
            {
                var connection = await target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connections.Add(connection);
                await TargetSchema.PrepareWriterSessionAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            return new BatchApplier([.. connections], rows, checkpoints, reader);
        }
        catch
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Applies <paramref name="batch"/> with its checkpoint, then acknowledges its position to the reader.</summary>
    public async Task ApplyAsync(CatchUpBatch batch, CancellationToken cancellationToken)
    {
        var collapsed = _rows.Collapse(batch);
        var count = collapsed.Values.Sum(r => r.Count);
        if (_connections.Length == 1 || count < SplitFrom)
        {
            await ApplyPartAsync(_connections[0], collapsed.Select(t => (t.Key, (IReadOnlyList<VersionedRow>)[.. t.Value.Values])), batch.Position, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var parts = new List<(TableSpec Table, IReadOnlyList<VersionedRow> Rows)>[_connections.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = [];
            }

            foreach (var (table, rows) in collapsed)
            {
                var split = new List<VersionedRow>[_connections.Length];
                foreach (var (key, row) in rows)
                {
                    var part = (int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)split.Length);
                    (split[part] ??= []).Add(row);
                }

                for (var i = 0; i < split.Length; i++)
                {
                    if (split[i] is { } some)
                    {
                        parts[i].Add((table, some));
                    }
                }
            }

            await Task.WhenAll(parts.Select((part, i) => ApplyPartAsync(_connections[i], part, null, cancellationToken))).ConfigureAwait(false);
            await _checkpoints.RecordCatchUpAsync(_connections[0], batch.Position, cancellationToken).ConfigureAwait(false);
        }

        await _reader.AcknowledgeAsync(batch.Position, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Merges <paramref name="tables"/>' rows in one transaction on <paramref name="connection"/>, with the checkpoint when <paramref name="position"/> is given.</summary>
    private async Task ApplyPartAsync(NpgsqlConnection connection, IEnumerable<(TableSpec Table, IReadOnlyList<VersionedRow> Rows)> tables, BinlogPosition? position, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            foreach (var (table, rows) in tables)
            {
                await table.Target.MergeAsync(connection, transaction, rows, cancellationToken).ConfigureAwait(false);
            }

            if (position is { } at)
            {
                await _checkpoints.RecordCatchUpAsync(connection, at, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records <paramref name="position"/> as the catch-up position without a batch: one past the last batch that
    /// everything up to is known to be applied (nothing lies between them to apply). The reader is not told: it has
    /// not delivered a transaction there.
    /// </summary>
    public Task RecordPassedAsync(BinlogPosition position, CancellationToken cancellationToken) =>
        _checkpoints.RecordCatchUpAsync(_connections[0], position, cancellationToken);

    /// <summary>Closes the writer sessions.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
