using DualWrite.Migration.Plans;
using DualWrite.MySql.Replication;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Engine;

/// <summary>
/// Applies the binlog to the target after the snapshot. The parts, one job each: the <see cref="BinlogPump"/> reads
/// transactions from the <see cref="BinlogReader"/>; the <see cref="ChangeBatcher"/> groups them into batches; the
/// <see cref="SchemaChangePolicy"/> decides on a DDL statement; the <see cref="BatchApplier"/> merges a batch with its
/// checkpoint and acknowledges it to the reader; the <see cref="CatchUpGauge"/> measures the lag and says when the
/// target is caught up.
/// </summary>
internal sealed class CatchUp
{
    /// <summary>How long a batch stays open for more transactions after its first.</summary>
    public static readonly TimeSpan BatchDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>How long the catch-up waits for a transaction before it looks at the lag again.</summary>
    public static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the measured lag is published in the checkpoint table, at most.</summary>
    public static readonly TimeSpan LagPublishInterval = TimeSpan.FromSeconds(1);

    private readonly MigrationPlan _plan;
    private readonly NpgsqlDataSource _target;
    private readonly Checkpoints _checkpoints;
    private readonly BackfillProgress _progress;
    private readonly TimeProvider _time;
    private readonly ChangeCollapser _rows;
    private readonly SchemaChangePolicy _ddl;

    /// <summary>Creates the catch-up of the plan's tables, and its reader.</summary>
    public CatchUp(
        MigrationPlan plan,
        IReadOnlyList<TableSpec> tables,
        MySqlDataSource source,
        NpgsqlDataSource target,
        Checkpoints checkpoints,
        BackfillProgress progress,
        TextWriter log,
        TimeProvider time)
    {
        _plan = plan;
        _target = target;
        _checkpoints = checkpoints;
        _progress = progress;
        _time = time;
        _rows = new ChangeCollapser(tables);
        _ddl = new SchemaChangePolicy(plan.Ddl, _rows.Tables, source, log);
        Reader = new BinlogReader(source, new BinlogReaderOptions
        {
            IncludeTable = _rows.Tracks,
            HeartbeatInterval = TimeSpan.FromSeconds(1),
        });
    }

    /// <summary>The binlog reader: what it received, and (acknowledged) what the target durably holds.</summary>
    public BinlogReader Reader { get; }

    /// <summary>Applies the binlog after <paramref name="from"/> until <paramref name="stop"/> says so.</summary>
    /// <exception cref="BackfillException">A schema change the policy refuses, a purged binlog, a value the target cannot hold.</exception>
    public async Task RunAsync(BinlogPosition from, CatchUpStop stop, CancellationToken cancellationToken)
    {
        var pump = BinlogPump.Start(Reader, from, _plan.File, cancellationToken);
        await using (pump.ConfigureAwait(false))
        {
            var applier = await BatchApplier.OpenAsync(_target, _rows, _checkpoints, Reader, _plan.Cdc.Parallelism, cancellationToken).ConfigureAwait(false);
            await using (applier.ConfigureAwait(false))
            {
                var batcher = new ChangeBatcher(pump.Transactions, _plan.Cdc.BatchSize, BatchDelay, _time);
                var gauge = new CatchUpGauge(Reader.GetCurrentPositionAsync, from, _plan.Cdc.EffectiveLagBound, stop.SteadyFor, _time);
                _progress.AppliedPosition = from;
                long? lagPublished = null;
                var recorded = from;
                while (await batcher.NextAsync(IdleWait, cancellationToken).ConfigureAwait(false) is { } batch)
                {
                    if (batch.Transactions.Count > 0)
                    {
                        if (batch.SchemaChange is { } ddl)
                        {
                            await _ddl.CheckAsync(ddl, cancellationToken).ConfigureAwait(false);
                        }

                        await applier.ApplyAsync(batch, cancellationToken).ConfigureAwait(false);
                        _progress.AppliedPosition = Reader.AcknowledgedPosition;
                        recorded = batch.Position;
                    }

                    await gauge.ObserveAsync(Reader.ReceivedPosition, Reader.AcknowledgedPosition ?? from, cancellationToken).ConfigureAwait(false);
                    if (gauge.ReachedHead is { } passed && passed > recorded)
                    {
                        // The binlog moved on with no transaction to apply (a rotation): everything up to the head is
                        // applied, and recorded as such for whoever waits on the checkpoint. At most once per head sample.
                        await applier.RecordPassedAsync(passed, cancellationToken).ConfigureAwait(false);
                        _progress.AppliedPosition = recorded = passed;
                    }

                    _progress.Lag = gauge.Lag;
                    _progress.CaughtUp = gauge.CaughtUp;
                    if (lagPublished is not { } published || _time.GetElapsedTime(published) >= LagPublishInterval)
                    {
                        await _checkpoints.RecordLagAsync(_target, gauge.Lag, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                        lagPublished = _time.GetTimestamp();
                    }

                    if (batch.Transactions.Count > 0)
                    {
                        _progress.AddChanges(batch.Changes, gauge.Lag);
                    }

                    if (stop.At is { } at ? recorded >= at : stop.WhenCaughtUp && gauge.CaughtUp)
                    {
                        // Whoever waits for "caught up" (backfill status --wait) learns it held when this run ended.
                        await _checkpoints.RecordLagAsync(_target, gauge.Lag, _time.GetUtcNow(), cancellationToken, endedCaughtUp: gauge.CaughtUp).ConfigureAwait(false);
                        return;
                    }
                }
            }
        }
    }
}
