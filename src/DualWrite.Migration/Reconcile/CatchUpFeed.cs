using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using DualWrite.MySql.Replication;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Reconcile;

/// <summary>
/// A plan's binlog catch-up as the reconciler's change feed. The head is the source's current binlog position
/// (<c>SHOW MASTER STATUS</c>); a position is applied once the catch-up's checkpoint in the backfill's control table
/// (<c>dualwrite_backfill_plans</c>), which commits with every batch it applies, is at or past it (before its first
/// batch, the earliest snapshot's position, once the snapshot is done). The catch-up records
/// the positions it passes through stretches of the binlog that hold nothing for the plan, so a head reached through
/// other databases' transactions or a rotation is applied too. Positions are ordered by
/// <see cref="BinlogVersion"/>, the versions the catch-up gives the changes.
/// </summary>
internal sealed class CatchUpFeed : IChangeFeed
{
    /// <summary>How often the checkpoint is read while waiting.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly BinlogReader _source;
    private readonly NpgsqlDataSource _target;
    private readonly string _plans;
    private readonly string _ranges;
    private readonly string _plan;
    private readonly TimeProvider _time;

    public CatchUpFeed(MySqlDataSource source, NpgsqlDataSource target, string controlSchema, string plan, TimeProvider time)
    {
        // Only its position query is used: no replication connection is opened.
        _source = new BinlogReader(source);
        _target = target;
        _plans = TargetSchema.Plans(controlSchema);
        _ranges = TargetSchema.Ranges(controlSchema);
        _plan = plan;
        _time = time;
    }

    /// <summary>A binlog position as a feed position: <c>file:offset</c>, ordered by its binlog version.</summary>
    public static FeedPosition Position(BinlogPosition position) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{position.File}:{position.Offset}"), BinlogVersion.Of(position));

    /// <inheritdoc />
    public async ValueTask<FeedPosition> HeadAsync(CancellationToken cancellationToken) =>
        Position(await _source.GetCurrentPositionAsync(cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask<bool> WaitAppliedAsync(FeedPosition position, TimeSpan bound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(position);
        var started = _time.GetTimestamp();
        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Before the catch-up applies its first batch the position is the earliest snapshot's: once every range
            // is copied, the target holds everything up to it.
            using var command = new NpgsqlCommand(
                $"""
                SELECT (p.cdc_sequence << 32) | p.cdc_offset FROM {_plans} AS p
                 WHERE p.plan = @plan AND p.cdc_sequence IS NOT NULL
                   AND (p.cdc_started OR NOT EXISTS (SELECT 1 FROM {_ranges} AS r WHERE r.plan = p.plan AND NOT r.done))
                """, connection);
            command.Parameters.AddWithValue("plan", _plan);
            while (true)
            {
                if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long applied && applied >= position.Ordinal)
                {
                    return true;
                }

                var left = bound - _time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                await Task.Delay(left < PollInterval ? left : PollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
