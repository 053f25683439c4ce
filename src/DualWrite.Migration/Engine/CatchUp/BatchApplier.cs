using DualWrite.MySql.Replication;
using Npgsql;

namespace DualWrite.Migration.Engine;

/// <summary>
/// Writes batches to the target: each batch's rows are merged through the tables' <see cref="DualWrite.PostgreSql.Tables.VersionedTable"/>
/// under the version guard, in one target transaction together with the catch-up checkpoint; once that commits, the
/// batch's position is acknowledged to the reader, so the reader's <see cref="BinlogReader.AcknowledgedPosition"/> is
/// what the target durably holds. A replay after a crash re-applies changes the target already holds, which the guard
/// ignores.
/// </summary>
internal sealed class BatchApplier : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly ChangeCollapser _rows;
    private readonly Checkpoints _checkpoints;
    private readonly BinlogReader _reader;

    private BatchApplier(NpgsqlConnection connection, ChangeCollapser rows, Checkpoints checkpoints, BinlogReader reader)
    {
        _connection = connection;
        _rows = rows;
        _checkpoints = checkpoints;
        _reader = reader;
    }

    /// <summary>Opens the applier's writer session on the target.</summary>
    /// <param name="target">The target.</param>
    /// <param name="rows">Turns a batch into the tables' rows.</param>
    /// <param name="checkpoints">Where the catch-up position commits with each batch.</param>
    /// <param name="reader">The reader that delivered the batches, told of each one applied.</param>
    /// <param name="cancellationToken">Cancels the opening.</param>
    public static async Task<BatchApplier> OpenAsync(NpgsqlDataSource target, ChangeCollapser rows, Checkpoints checkpoints, BinlogReader reader, CancellationToken cancellationToken)
    {
        var connection = await target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await TargetSchema.PrepareWriterSessionAsync(connection, cancellationToken).ConfigureAwait(false);
            return new BatchApplier(connection, rows, checkpoints, reader);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Applies <paramref name="batch"/> with its checkpoint, then acknowledges its position to the reader.</summary>
    public async Task ApplyAsync(CatchUpBatch batch, CancellationToken cancellationToken)
    {
        var transaction = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            foreach (var (table, rows) in _rows.Collapse(batch))
            {
                await table.Target.MergeAsync(_connection, transaction, [.. rows.Values], cancellationToken).ConfigureAwait(false);
            }

            await _checkpoints.RecordCatchUpAsync(_connection, batch.Position, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        await _reader.AcknowledgeAsync(batch.Position, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records <paramref name="position"/> as the catch-up position without a batch: one past the last batch that
    /// everything up to is known to be applied (nothing lies between them to apply). The reader is not told: it has
    /// not delivered a transaction there.
    /// </summary>
    public Task RecordPassedAsync(BinlogPosition position, CancellationToken cancellationToken) =>
        _checkpoints.RecordCatchUpAsync(_connection, position, cancellationToken);

    /// <summary>Closes the writer session.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
